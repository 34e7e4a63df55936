import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/core';
import { activeAt, assertImageBatch, selectPerImage } from '../transforms/image-batch';
import { ParametricTransformBase, type ImageBatchShape } from '../transforms/transform';
import { toGrayscaleRgb } from './luminance';

export interface GrayscaleParams {
  gray: boolean[];
}

/**
 * Replaces each image with probability `p` by its luminance (0.299 R + 0.587 G + 0.114 B)
 * replicated to three channels. A no-op on 1-channel batches.
 */
export class RandomGrayscale extends ParametricTransformBase<GrayscaleParams> {
  readonly name = 'random-grayscale';

  constructor(readonly p = 0.1) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`RandomGrayscale: p must be in [0, 1], got ${p}`);
  }

  sampleParams(shape: ImageBatchShape, rng: Rng, active?: readonly boolean[]): GrayscaleParams {
    const gray: boolean[] = [];
    for (let i = 0; i < shape[0]; i++) gray.push(rng.bernoulli(this.p) && activeAt(active, i));
    return { gray };
  }

  applyParams(batch: tf.Tensor4D, params: GrayscaleParams): tf.Tensor4D {
    const channels = assertImageBatch(batch, 'RandomGrayscale input', [1, 3]);
    return tf.tidy(() => {
      if (channels === 1 || !params.gray.some(Boolean)) return tf.clone(batch);
      return selectPerImage(params.gray, toGrayscaleRgb(batch), batch);
    });
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, p: this.p };
  }
}
