import * as tf from '@tensorflow/tfjs';
import type { BoundResult } from '@infomax/core';
import { assertBoundInputs, assertValidPositiveMask } from './bound-inputs';
import type { BoundOptions } from './bound-options';
import { maskedLogMeanExp, maskedMean } from './masked-reductions';
import { expWithLinearTail } from './stable-math';

/**
 * The NWJ lower bound (Nguyen, Wainwright & Jordan 2010; the KL f-GAN objective of Nowozin et
 * al. 2016): estimate = mean_pos s - mean_neg exp(s - 1), loss = -estimate.
 * mean_neg exp(s - 1) is computed as exp(log-mean-exp(s) - 1) so no single exp overflows, and
 * past e^50 it continues linearly (see `expWithLinearTail`) so a diverging critic stays finite.
 * Terms: `positive` (mean_pos s) and `negative` (mean_neg exp(s - 1)).
 */
export function nwj(scores: tf.Tensor2D, positiveMask: tf.Tensor2D, options: BoundOptions = {}): BoundResult {
  assertBoundInputs(scores, positiveMask, 'nwj');
  if (options.validate) assertValidPositiveMask(positiveMask, 'nwj positiveMask');
  return tf.tidy(() => {
    const positives = tf.cast(positiveMask, 'float32');
    const negatives = tf.sub(1, positives);
    const positive = maskedMean(scores, positives);
    const negative = expWithLinearTail(tf.sub(maskedLogMeanExp(scores, negatives), 1)) as tf.Scalar;
    const estimate = tf.sub(positive, negative) as tf.Scalar;
    return { loss: tf.neg(estimate) as tf.Scalar, estimate, terms: { positive, negative } };
  });
}
