import * as tf from '@tensorflow/tfjs';
import { ShapeError, type Rng, type ViewGenerator, type Views } from '@infomax/core';
import { assertImageBatch } from '../transforms/image-batch';
import type { Transform } from '../transforms/transform';

export interface PatchGridOptions {
  patchSize: number;
  stride: number;
  /** Applied to every patch independently (CPC v2); it may change the patch size. */
  augment?: Transform;
}

/** Grid size of patches of `patchSize` every `stride` pixels along an axis of `size`. */
export function patchGridSize(size: number, patchSize: number, stride: number): number {
  return Math.floor((size - patchSize) / stride) + 1;
}

/**
 * CPC's image views: a grid of (overlapping) square patches, `{ patches: [B, gh, gw, p, p, C] }`.
 * Built with two gathers (the rows of every patch row, then the columns of every patch column)
 * and one transpose, for the whole batch at once.
 */
export class PatchGridViewGenerator implements ViewGenerator {
  readonly patchSize: number;
  readonly stride: number;
  readonly augment: Transform | undefined;

  constructor(options: PatchGridOptions) {
    this.patchSize = options.patchSize;
    this.stride = options.stride;
    this.augment = options.augment;
    for (const key of ['patchSize', 'stride'] as const) {
      if (!Number.isInteger(this[key]) || this[key] < 1) {
        throw new Error(`PatchGridViewGenerator: ${key} must be a positive integer, got ${this[key]}`);
      }
    }
  }

  generate(batch: tf.Tensor, rng: Rng): Views {
    assertImageBatch(batch, 'PatchGridViewGenerator batch');
    const [n, height, width, channels] = batch.shape as [number, number, number, number];
    const p = this.patchSize;
    if (p > height || p > width) {
      throw new ShapeError(`PatchGridViewGenerator: patch size ${p} exceeds the ${height}x${width} images`);
    }
    const gh = patchGridSize(height, p, this.stride);
    const gw = patchGridSize(width, p, this.stride);
    return tf.tidy(() => {
      const rows = tf.gather(batch, this.offsets(gh), 1);
      const cells = tf.gather(rows, this.offsets(gw), 2); // [B, gh*p, gw*p, C]
      // Rank-5 transposes only (not every backend has a generic rank-6 one).
      const split = tf.reshape(cells, [n * gh, p, gw, p, channels]);
      let patches = tf.reshape(tf.transpose(split, [0, 2, 1, 3, 4]), [n * gh * gw, p, p, channels]) as tf.Tensor4D;
      if (this.augment) patches = this.augment.apply(patches, rng);
      const [, ph, pw, pc] = patches.shape;
      return { patches: tf.reshape(patches, [n, gh, gw, ph, pw, pc]) };
    });
  }

  /** Source rows (or columns) of every patch along one axis, patch-major. */
  private offsets(count: number): Int32Array {
    const p = this.patchSize;
    const out = new Int32Array(count * p);
    for (let i = 0; i < count; i++) for (let a = 0; a < p; a++) out[i * p + a] = i * this.stride + a;
    return out;
  }

  getConfig(): Record<string, unknown> {
    return {
      name: 'patch-grid',
      patchSize: this.patchSize,
      stride: this.stride,
      augment: this.augment?.getConfig() ?? false,
    };
  }
}
