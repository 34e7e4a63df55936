import * as tf from '@tensorflow/tfjs';
import { ShapeError, type Rng } from '@infomax/core';
import { assertImageBatch } from './image-batch';
import type { Transform } from './transform';

/** `(x - mean) / std` per channel. Deterministic: ignores the RNG. */
export class Normalize implements Transform {
  readonly name = 'normalize';
  readonly mean: number[];
  readonly std: number[];

  constructor(mean: readonly number[], std: readonly number[]) {
    if (mean.length === 0 || mean.length !== std.length) {
      throw new Error(`Normalize: mean and std need the same non-zero length, got ${mean.length} and ${std.length}`);
    }
    if (!std.every((s) => s > 0)) throw new Error(`Normalize: std must be positive, got [${std.join(', ')}]`);
    this.mean = [...mean];
    this.std = [...std];
  }

  apply(batch: tf.Tensor4D, _rng?: Rng): tf.Tensor4D {
    const channels = assertImageBatch(batch, 'Normalize input');
    if (this.mean.length !== 1 && this.mean.length !== channels) {
      throw new ShapeError(
        `Normalize has statistics for ${this.mean.length} channels but the batch has ${channels} ` +
          `([${batch.shape.join(', ')}]); give per-channel mean/std for this data (e.g. override 'normalize').`,
      );
    }
    return tf.tidy(() => tf.div(tf.sub(batch, tf.tensor1d(this.mean)), tf.tensor1d(this.std)) as tf.Tensor4D);
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, mean: this.mean, std: this.std };
  }
}
