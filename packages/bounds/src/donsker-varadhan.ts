import * as tf from '@tensorflow/tfjs';
import type { BoundResult } from '@infomax/core';
import { assertBoundInputs, assertValidPositiveMask } from './bound-inputs';
import type { BoundOptions } from './bound-options';
import { maskedLogMeanExp, maskedMean } from './masked-reductions';

/**
 * The Donsker-Varadhan lower bound used by MINE (Belghazi et al. 2018):
 * estimate = mean_pos s - log mean_neg exp(s), the second mean taken over every negative entry
 * of the matrix with a max-shifted log-mean-exp; loss = -estimate.
 * Terms: `positive` (mean_pos s) and `negative` (log mean_neg exp s).
 */
export function donskerVaradhan(
  scores: tf.Tensor2D,
  positiveMask: tf.Tensor2D,
  options: BoundOptions = {},
): BoundResult {
  assertBoundInputs(scores, positiveMask, 'donskerVaradhan');
  if (options.validate) assertValidPositiveMask(positiveMask, 'donskerVaradhan positiveMask');
  return tf.tidy(() => {
    const positives = tf.cast(positiveMask, 'float32');
    const negatives = tf.sub(1, positives);
    const positive = maskedMean(scores, positives);
    const negative = maskedLogMeanExp(scores, negatives);
    const estimate = tf.sub(positive, negative) as tf.Scalar;
    return { loss: tf.neg(estimate) as tf.Scalar, estimate, terms: { positive, negative } };
  });
}
