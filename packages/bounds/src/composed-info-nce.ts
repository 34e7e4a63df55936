import * as tf from '@tensorflow/tfjs';
import { logSumExp, type BoundResult } from '@infomax/core';
import { assertBoundInputs, assertValidPositiveMask } from './bound-inputs';
import { checkInfoNceOptions, type InfoNceOptions } from './bound-options';
import { keepMasked, maskedMean } from './masked-reductions';
import { logAddExp } from './stable-math';

/**
 * InfoNCE composed from stock tfjs ops: what `infoNce` runs on backends without the fused
 * kernels (webgl, webgpu, tfjs-node), and the reference the fused kernels are tested against.
 * Same signature, checks and result as `infoNce`.
 */
export function composedInfoNce(
  scores: tf.Tensor2D,
  positiveMask: tf.Tensor2D,
  options: InfoNceOptions = {},
): BoundResult {
  checkInfoNceCall(scores, positiveMask, options);
  return composeInfoNce(scores, positiveMask, options);
}

/** The checks every InfoNCE entry point runs first: shapes, options, and the mask if asked. */
export function checkInfoNceCall(scores: tf.Tensor2D, positiveMask: tf.Tensor2D, options: InfoNceOptions): void {
  assertBoundInputs(scores, positiveMask, 'infoNce');
  checkInfoNceOptions(options);
  if (options.validate) assertValidPositiveMask(positiveMask, 'infoNce positiveMask');
}

/** The composed maths, inputs already checked. */
export function composeInfoNce(scores: tf.Tensor2D, positiveMask: tf.Tensor2D, options: InfoNceOptions): BoundResult {
  const { clip, l2 = 0 } = options;
  return tf.tidy(() => {
    const positives = tf.cast(positiveMask, 'float32');
    const negatives = tf.sub(1, positives);
    const s = clip === undefined ? scores : tf.mul(clip, tf.tanh(tf.div(scores, clip)));
    // One log-sum-exp over the negatives per row [N, 1], shared by all positives of that row,
    // so nothing larger than [N, M] is built however many positives a row has.
    const negativeLogSumExp = logSumExp(keepMasked(s, negatives), -1, true);
    const logLikelihood = tf.sub(s, logAddExp(s, negativeLogSumExp));
    const nce = tf.neg(maskedMean(logLikelihood, positives)) as tf.Scalar;
    // log(1 + K_n): the most a row's classifier can certify, log N for one positive and N - 1 negatives.
    const capacity = tf.mean(tf.log(tf.add(1, tf.sum(negatives, -1))));
    const estimate = tf.sub(capacity, nce) as tf.Scalar;
    // Taken on the raw scores: clipping hides how large they grow, which is what l2 penalises.
    const regularizer = (l2 > 0 ? tf.mul(l2, tf.mean(tf.square(scores))) : tf.scalar(0)) as tf.Scalar;
    return { loss: tf.add(nce, regularizer) as tf.Scalar, estimate, terms: { nce, regularizer } };
  });
}
