import type * as tf from '@tensorflow/tfjs';
import type { Bound, BoundResult } from '@infomax/core';

/** A bound as a plain function of (scores, positiveMask), or a `Bound` plugin. */
export type BoundLike = Bound | ((scores: tf.Tensor2D, positiveMask: tf.Tensor2D) => BoundResult);

export function asBoundFunction(bound: BoundLike): (scores: tf.Tensor2D, positiveMask: tf.Tensor2D) => BoundResult {
  return typeof bound === 'function' ? bound : (s, m) => bound.compute(s, m);
}
