import * as tf from '@tensorflow/tfjs';
import { stopGradient } from '@infomax/core';

/**
 * log(exp(a) + exp(b)) elementwise, shifted by the (gradient-free) larger of the two. The
 * shift keeps the gradient exact everywhere, including a == b, where the tempting
 * max + log1p(exp(-|a - b|)) form hands the whole gradient to one side.
 */
export function logAddExp(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // Broadcast first: tfjs's Maximum gradient does not reduce broadcast operands (even when,
    // as here, the gradient is stopped), so a [N, 1] operand would fail in backprop.
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
    if (!sameShape(a.shape, shape)) a = tf.broadcastTo(a, shape);
    if (!sameShape(b.shape, shape)) b = tf.broadcastTo(b, shape);
    const m = stopGradient(tf.maximum(a, b));
    return tf.add(m, tf.log(tf.add(tf.exp(tf.sub(a, m)), tf.exp(tf.sub(b, m)))));
  });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Where exp(x) stops being representable in float32 long before x = 88.7, an exponential below
 * `threshold` continued by its tangent line above it. Identical to exp for x <= threshold
 * (e^50 ~ 5e21, far past any sane critic) and C1 at the join, so a runaway critic gets a large
 * but finite loss and a gradient that still pushes it back, instead of Inf and NaN.
 */
export function expWithLinearTail(x: tf.Tensor, threshold = 50): tf.Tensor {
  // exp(min(x, T)) + e^T relu(x - T): no tf.where, whose boolean condition tfjs cannot
  // differentiate through, and relu's zero gradient at 0 keeps the slope at x = T exactly e^T.
  return tf.tidy(() =>
    tf.add(tf.exp(tf.minimum(x, threshold)), tf.mul(Math.exp(threshold), tf.relu(tf.sub(x, threshold)))),
  );
}
