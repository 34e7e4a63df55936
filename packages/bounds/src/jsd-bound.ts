import type * as tf from '@tensorflow/tfjs';
import type { Bound, BoundResult, EstimateKind } from '@infomax/core';
import type { BoundOptions } from './bound-options';
import { jsd } from './jsd';

/** `jsd` as a `Bound` plugin. Its estimate is a Jensen-Shannon divergence, not MI. */
export class JsdBound implements Bound {
  readonly name = 'jsd';
  readonly estimateKind: EstimateKind = 'jensen-shannon';
  readonly options: Readonly<BoundOptions>;

  constructor(options: BoundOptions = {}) {
    this.options = { ...options };
  }

  compute(scores: tf.Tensor2D, positiveMask: tf.Tensor2D): BoundResult {
    return jsd(scores, positiveMask, this.options);
  }
}
