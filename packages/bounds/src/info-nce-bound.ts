import type * as tf from '@tensorflow/tfjs';
import type { Bound, BoundResult, EstimateKind } from '@infomax/core';
import { checkInfoNceOptions, type InfoNceOptions } from './bound-options';
import { infoNce } from './info-nce';

/** `infoNce` as a `Bound` plugin, with its options fixed at construction. */
export class InfoNceBound implements Bound {
  readonly name = 'infonce';
  readonly estimateKind: EstimateKind = 'mutual-information';
  readonly options: Readonly<InfoNceOptions>;

  constructor(options: InfoNceOptions = {}) {
    checkInfoNceOptions(options);
    this.options = { ...options };
  }

  compute(scores: tf.Tensor2D, positiveMask: tf.Tensor2D): BoundResult {
    return infoNce(scores, positiveMask, this.options);
  }
}
