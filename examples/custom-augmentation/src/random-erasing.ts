import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/core';
import { assertImageBatch, ParametricTransformBase, type ImageBatchShape } from '@infomax/views';

export interface RandomErasingOptions {
  /** Erased area as a fraction of the image, drawn uniformly in [low, high]. */
  scale?: readonly [number, number];
  /** Aspect ratio (height / width) of the box, drawn log-uniformly in [low, high]. */
  ratio?: readonly [number, number];
  /** Value written into the box, in the batch's units (0.5: mid-grey for images in [0, 1]). */
  value?: number;
}

/** One box per image, in pixels; a zero-sized box means "leave this image alone". */
export interface ErasingBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

export type ErasingParams = ErasingBox[];

/**
 * Random erasing (cutout; Zhong et al. 2017, DeVries & Taylor 2017): a rectangle of random area
 * and aspect ratio at a random position of each image is overwritten with a constant. It forces
 * a representation to use the whole object rather than one tell-tale part of it.
 *
 * A `ParametricTransform`: the boxes are drawn in JS from the `Rng` (four numbers per image,
 * whether or not the image is erased, so a `RandomApply` mask never shifts later draws), and
 * applied in one batched `x * (1 - m) + value * m` with a [B, H, W, 1] mask built on the host.
 */
export class RandomErasing extends ParametricTransformBase<ErasingParams> {
  readonly name = 'random-erasing';
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
  readonly value: number;

  constructor(options: RandomErasingOptions = {}) {
    super();
    this.scale = options.scale ?? [0.02, 0.25];
    this.ratio = options.ratio ?? [0.3, 3.3];
    this.value = options.value ?? 0.5;
    const [sLow, sHigh] = this.scale;
    const [rLow, rHigh] = this.ratio;
    if (!(sLow > 0 && sLow <= sHigh && sHigh <= 1)) throw new Error(`RandomErasing: scale must satisfy 0 < low <= high <= 1, got [${sLow}, ${sHigh}]`);
    if (!(rLow > 0 && rLow <= rHigh)) throw new Error(`RandomErasing: ratio must satisfy 0 < low <= high, got [${rLow}, ${rHigh}]`);
    if (!Number.isFinite(this.value)) throw new Error(`RandomErasing: value must be finite, got ${this.value}`);
  }

  sampleParams(shape: ImageBatchShape, rng: Rng, active?: readonly boolean[]): ErasingParams {
    const [batch, height, width] = shape;
    const boxes: ErasingParams = [];
    for (let i = 0; i < batch; i++) {
      // Always four draws, so the stream does not depend on `active`.
      const area = rng.uniform(this.scale[0], this.scale[1]) * height * width;
      const aspect = Math.exp(rng.uniform(Math.log(this.ratio[0]), Math.log(this.ratio[1])));
      const u = rng.next();
      const v = rng.next();
      const boxHeight = Math.min(height, Math.max(1, Math.round(Math.sqrt(area * aspect))));
      const boxWidth = Math.min(width, Math.max(1, Math.round(Math.sqrt(area / aspect))));
      const on = active === undefined || active[i] === true;
      boxes.push({
        top: Math.floor(u * (height - boxHeight + 1)),
        left: Math.floor(v * (width - boxWidth + 1)),
        height: on ? boxHeight : 0,
        width: on ? boxWidth : 0,
      });
    }
    return boxes;
  }

  applyParams(batch: tf.Tensor4D, params: ErasingParams): tf.Tensor4D {
    assertImageBatch(batch, 'RandomErasing input');
    const [n, height, width] = batch.shape;
    if (params.length !== n) throw new Error(`RandomErasing: ${params.length} boxes for a batch of ${n} images`);
    if (params.every((box) => box.height === 0 || box.width === 0)) return tf.clone(batch);
    const mask = new Float32Array(n * height * width);
    params.forEach(({ top, left, height: h, width: w }, image) => {
      for (let y = top; y < top + h; y++) mask.fill(1, (image * height + y) * width + left, (image * height + y) * width + left + w);
    });
    return tf.tidy(() => {
      const m = tf.tensor4d(mask, [n, height, width, 1]);
      return tf.add(tf.mul(batch, tf.sub(1, m)), tf.mul(m, this.value)) as tf.Tensor4D;
    });
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, scale: [...this.scale], ratio: [...this.ratio], value: this.value };
  }
}
