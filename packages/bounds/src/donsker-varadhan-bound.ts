import type * as tf from '@tensorflow/tfjs';
import type { Bound, BoundResult, EstimateKind } from '@infomax/core';
import type { BoundOptions } from './bound-options';
import { donskerVaradhan } from './donsker-varadhan';

/** `donskerVaradhan` as a `Bound` plugin. */
export class DonskerVaradhanBound implements Bound {
  readonly name = 'dv';
  readonly estimateKind: EstimateKind = 'mutual-information';
  readonly options: Readonly<BoundOptions>;

  constructor(options: BoundOptions = {}) {
    this.options = { ...options };
  }

  compute(scores: tf.Tensor2D, positiveMask: tf.Tensor2D): BoundResult {
    return donskerVaradhan(scores, positiveMask, this.options);
  }
}
