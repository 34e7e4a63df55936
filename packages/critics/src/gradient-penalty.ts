import * as tf from '@tensorflow/tfjs';

/**
 * mean over the batch of ||d f(x_b) / d x_b||^2, for a function f: [B, ...] -> [B] that treats
 * samples independently (no batch norm), so the gradient of sum_b f(x_b) w.r.t. x holds every
 * per-sample input gradient in one backward pass.
 *
 * Call it inside the loss being minimised (e.g. within `optimizer.minimize` or
 * `tf.variableGrads`): tfjs records the inner `tf.grad` on the outer tape, so the penalty's own
 * gradient w.r.t. f's weights (a second-order gradient) flows into the update.
 */
export function gradientPenalty(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): tf.Scalar {
  if (x.rank < 2) {
    throw new Error(`gradientPenalty: x must be a batch [B, ...], got rank ${x.rank} [${x.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const inputGradient = tf.grad((input: tf.Tensor) => tf.sum(f(input)))(x);
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
    return tf.mean(tf.sum(tf.square(inputGradient), axes)) as tf.Scalar;
  });
}
