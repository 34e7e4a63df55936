import * as tf from '@tensorflow/tfjs';
import { logSumExp } from '@infomax/core';

/**
 * Stands in for masked-out scores inside a log-sum-exp: exp() of it underflows to exactly 0,
 * and unlike -Infinity it keeps `x - max` and the gradients free of NaN.
 */
export const MASKED_SCORE = -1e30;

/** Mean of `x` over the entries where `mask` (float 0/1) is 1. */
export function maskedMean(x: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(x, mask)), tf.sum(mask)) as tf.Scalar);
}

/** `x` where `mask` is 1, MASKED_SCORE elsewhere: ready for a log-sum-exp over the mask. */
export function keepMasked(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.where(tf.cast(mask, 'bool'), x, tf.fill(x.shape, MASKED_SCORE)));
}

/** log(mean(exp(x))) over every entry where `mask` is 1, stable for any finite x. */
export function maskedLogMeanExp(x: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const axes = x.shape.map((_, i) => i);
    const lse = logSumExp(keepMasked(x, mask), axes);
    return tf.sub(lse, tf.log(tf.sum(mask))) as tf.Scalar;
  });
}
