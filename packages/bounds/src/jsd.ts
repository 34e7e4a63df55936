import * as tf from '@tensorflow/tfjs';
import type { BoundResult } from '@infomax/core';
import { assertBoundInputs, assertValidPositiveMask } from './bound-inputs';
import type { BoundOptions } from './bound-options';
import { maskedMean } from './masked-reductions';

/**
 * The Jensen-Shannon objective of Deep InfoMax (Hjelm et al. 2019; the f-GAN form of Nowozin
 * et al. 2016): loss = mean_pos softplus(-s) + mean_neg softplus(s), and
 * estimate = (log 4 - loss) / 2, the Jensen-Shannon divergence between the joint and the
 * product of marginals as the critic sees it. It is NOT mutual information (estimateKind
 * 'jensen-shannon'); it only grows with it. Terms: `positive`, `negative` (the two means).
 */
export function jsd(scores: tf.Tensor2D, positiveMask: tf.Tensor2D, options: BoundOptions = {}): BoundResult {
  assertBoundInputs(scores, positiveMask, 'jsd');
  if (options.validate) assertValidPositiveMask(positiveMask, 'jsd positiveMask');
  return tf.tidy(() => {
    const positives = tf.cast(positiveMask, 'float32');
    const negatives = tf.sub(1, positives);
    // tfjs's softplus is the stable one (x for large x, exp(x) for very negative x), and its
    // gradient is sigmoid, exact at 0 too.
    const positive = maskedMean(tf.softplus(tf.neg(scores)), positives);
    const negative = maskedMean(tf.softplus(scores), negatives);
    const loss = tf.add(positive, negative) as tf.Scalar;
    const estimate = tf.div(tf.sub(Math.log(4), loss), 2) as tf.Scalar;
    return { loss, estimate, terms: { positive, negative } };
  });
}
