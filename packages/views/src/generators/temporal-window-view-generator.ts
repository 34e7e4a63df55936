import * as tf from '@tensorflow/tfjs';
import { assertShape, ShapeError, type Rng, type ViewGenerator, type Views } from '@infomax/core';
import { gatherPerImage } from '../transforms/image-batch';

/**
 * CPC's sequence views: a window of `length` consecutive steps at a random offset per sequence,
 * `{ window: [B, length, C] }` from `[B, T, C]`, cut with one batched gather.
 */
export class TemporalWindowViewGenerator implements ViewGenerator {
  constructor(readonly length: number) {
    if (!Number.isInteger(length) || length < 1) {
      throw new Error(`TemporalWindowViewGenerator: length must be a positive integer, got ${length}`);
    }
  }

  /** The offsets `generate` would use for `batchSize` sequences of `steps` steps. */
  sampleOffsets(batchSize: number, steps: number, rng: Rng): Int32Array {
    const offsets = new Int32Array(batchSize);
    for (let i = 0; i < batchSize; i++) offsets[i] = rng.int(0, steps - this.length);
    return offsets;
  }

  generate(batch: tf.Tensor, rng: Rng): Views {
    assertShape(batch, ['B', 'T', 'C'], 'TemporalWindowViewGenerator batch');
    const [n, steps] = batch.shape as [number, number, number];
    if (this.length > steps) {
      throw new ShapeError(`TemporalWindowViewGenerator: window length ${this.length} exceeds the ${steps} steps`);
    }
    const offsets = this.sampleOffsets(n, steps, rng);
    const indices = new Int32Array(n * this.length);
    offsets.forEach((start, b) => {
      for (let t = 0; t < this.length; t++) indices[b * this.length + t] = start + t;
    });
    return tf.tidy(() => ({ window: gatherPerImage(batch, indices) }));
  }

  getConfig(): Record<string, unknown> {
    return { name: 'temporal-window', length: this.length };
  }
}
