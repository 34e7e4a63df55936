import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/core';
import { activeAt, assertImageBatch, selectPerImage } from './image-batch';
import { ParametricTransformBase, type ImageBatchShape } from './transform';

/** Which images to mirror left-right. */
export interface FlipParams {
  flip: boolean[];
}

/**
 * Mirrors each image left-right with probability `p`. For AMDIM's shared flip, apply it once to
 * the batch before the per-view pipelines (as `TwoViewGenerator` does), so both views of an image
 * follow one decision.
 */
export class HorizontalFlip extends ParametricTransformBase<FlipParams> {
  readonly name = 'horizontal-flip';

  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`HorizontalFlip: p must be in [0, 1], got ${p}`);
  }

  sampleParams(shape: ImageBatchShape, rng: Rng, active?: readonly boolean[]): FlipParams {
    const flip: boolean[] = [];
    for (let i = 0; i < shape[0]; i++) flip.push(rng.bernoulli(this.p) && activeAt(active, i));
    return { flip };
  }

  applyParams(batch: tf.Tensor4D, params: FlipParams): tf.Tensor4D {
    assertImageBatch(batch, 'HorizontalFlip input');
    return tf.tidy(() => {
      if (!params.flip.some(Boolean)) return tf.clone(batch);
      return selectPerImage(params.flip, tf.image.flipLeftRight(batch), batch);
    });
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, p: this.p };
  }
}
