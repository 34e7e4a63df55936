import type * as tf from '@tensorflow/tfjs';
import type { Bound, BoundResult, EstimateKind } from '@infomax/core';
import type { BoundOptions } from './bound-options';
import { nwj } from './nwj';

/** `nwj` as a `Bound` plugin. */
export class NwjBound implements Bound {
  readonly name = 'nwj';
  readonly estimateKind: EstimateKind = 'mutual-information';
  readonly options: Readonly<BoundOptions>;

  constructor(options: BoundOptions = {}) {
    this.options = { ...options };
  }

  compute(scores: tf.Tensor2D, positiveMask: tf.Tensor2D): BoundResult {
    return nwj(scores, positiveMask, this.options);
  }
}
