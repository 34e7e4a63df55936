import * as tf from '@tensorflow/tfjs';
import type { Rng, ViewGenerator, Views } from '@infomax/core';
import { assertImageBatch } from '../transforms/image-batch';
import type { Normalize } from '../transforms/normalize';

/** DIM's "view": the batch itself as `{ view1 }`, optionally normalised. Draws no randomness. */
export class IdentityViewGenerator implements ViewGenerator {
  constructor(readonly normalize?: Normalize) {}

  generate(batch: tf.Tensor, _rng?: Rng): Views {
    assertImageBatch(batch, 'IdentityViewGenerator batch');
    const images = batch as tf.Tensor4D;
    return { view1: this.normalize ? this.normalize.apply(images) : tf.clone(images) };
  }

  getConfig(): Record<string, unknown> {
    return { name: 'identity', normalize: this.normalize?.getConfig() ?? false };
  }
}
