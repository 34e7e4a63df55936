import * as tf from '@tensorflow/tfjs';
import { detached } from './stop-gradient';

/**
 * log(sum(exp(x))) along `axis`, computed as m + log(sum(exp(x - m))) with m the (gradient-free)
 * maximum so scores of +-1e4 neither overflow nor underflow.
 */
export function logSumExp(x: tf.Tensor, axis: number | number[] = -1, keepDims = false): tf.Tensor {
  return tf.tidy(() => {
    // The shift is gradient-free (it cancels out), and computed off the tape so backprop skips
    // max's gradient entirely.
    const safeM = detached(() => {
      const m = tf.max(x, axis, true);
      return tf.where(tf.isFinite(m), m, tf.zerosLike(m));
    });
    const lse = tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, safeM)), axis, true)), safeM);
    return keepDims ? lse : tf.squeeze(lse, typeof axis === 'number' ? [axis < 0 ? x.rank + axis : axis] : axis);
  });
}

/**
 * log-softmax of `x` along the last axis over the entries where `mask` is 1. Masked-out entries
 * are excluded from the normaliser and come back as 0, so callers can multiply by the mask and sum.
 */
export function maskedLogSoftmax(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const maskBool = tf.cast(mask, 'bool');
    // Large finite filler: exp() underflows to exactly 0 without producing NaN in gradients.
    const filler = tf.fill(x.shape, -1e30);
    const masked = tf.where(maskBool, x, filler);
    const lse = logSumExp(masked, -1, true);
    return tf.where(maskBool, tf.sub(x, lse), tf.zerosLike(x));
  });
}
