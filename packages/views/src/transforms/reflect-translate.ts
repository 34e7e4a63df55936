import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/core';
import { activeAt, assertImageBatch } from './image-batch';
import { reflectIndex } from './reflect-index';
import { ParametricTransformBase, type ImageBatchShape } from './transform';

/** Per-image integer shifts: content moves right by dx and down by dy. */
export interface TranslateParams {
  dx: Int32Array;
  dy: Int32Array;
}

/**
 * Shifts each image by (dx, dy), both uniform in {-radius..radius}, filling the uncovered border
 * by reflection (edge not repeated, as AMDIM's RandomTranslateWithReflect does); the size is kept.
 *
 * Batched as one `tf.mirrorPad` by the largest shift and one `tf.image.cropAndResize` with
 * nearest sampling on the pixel centres of each image's window (exact: every sample rounds to
 * its integer source). Shifts of a whole image or more fall back to one gather of reflected
 * pixel indices.
 */
export class ReflectTranslate extends ParametricTransformBase<TranslateParams> {
  readonly name = 'reflect-translate';

  constructor(readonly radius = 4) {
    super();
    if (!Number.isInteger(radius) || radius < 0) {
      throw new Error(`ReflectTranslate: radius must be a non-negative integer, got ${radius}`);
    }
  }

  sampleParams(shape: ImageBatchShape, rng: Rng, active?: readonly boolean[]): TranslateParams {
    const n = shape[0];
    const dx = new Int32Array(n);
    const dy = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const x = rng.int(-this.radius, this.radius);
      const y = rng.int(-this.radius, this.radius);
      if (activeAt(active, i)) {
        dx[i] = x;
        dy[i] = y;
      }
    }
    return { dx, dy };
  }

  applyParams(batch: tf.Tensor4D, params: TranslateParams): tf.Tensor4D {
    assertImageBatch(batch, 'ReflectTranslate input');
    const [n, height, width] = batch.shape;
    if (params.dx.length !== n || params.dy.length !== n) {
      throw new Error(`ReflectTranslate: params are for ${params.dx.length} images, batch has ${n}`);
    }
    const reach = Math.max(0, ...Array.from(params.dx, Math.abs), ...Array.from(params.dy, Math.abs));
    return tf.tidy(() => {
      if (reach === 0) return tf.clone(batch);
      if (reach < height && reach < width) return padAndCrop(batch, params, reach);
      return gatherReflected(batch, params);
    });
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, radius: this.radius };
  }
}

const WASM_COPY_PATH_DODGE = 0.25;

function padAndCrop(batch: tf.Tensor4D, { dx, dy }: TranslateParams, pad: number): tf.Tensor4D {
  const [n, height, width] = batch.shape;
  const padded = tf.mirrorPad(batch, [[0, 0], [pad, pad], [pad, pad], [0, 0]], 'reflect');
  const spanY = height + 2 * pad - 1;
  const spanX = width + 2 * pad - 1;
  const boxes = new Float32Array(n * 4);
  for (let b = 0; b < n; b++) {
    const top = pad - dy[b]!;
    const left = pad - dx[b]!;
    // The right edge sits a quarter pixel short: samples still round to the right columns, and
    // the box no longer matches the crop width exactly, which on wasm (tfjs 4.22) would take a
    // memcpy fast path that ignores the box's left edge.
    const right = left + width - 1 - WASM_COPY_PATH_DODGE;
    boxes.set([top / spanY, left / spanX, (top + height - 1) / spanY, right / spanX], b * 4);
  }
  const boxIndex = tf.range(0, n, 1, 'int32') as tf.Tensor1D;
  return tf.image.cropAndResize(padded, tf.tensor2d(boxes, [n, 4]), boxIndex, [height, width], 'nearest');
}

/** Output (y, x) of image b reads reflect(y - dy), reflect(x - dx), as one flat gather. */
function gatherReflected(batch: tf.Tensor4D, { dx, dy }: TranslateParams): tf.Tensor4D {
  const [n, height, width, channels] = batch.shape;
  const source = new Int32Array(n * height * width);
  const columns = new Int32Array(width);
  for (let b = 0; b < n; b++) {
    for (let x = 0; x < width; x++) columns[x] = reflectIndex(x - dx[b]!, width);
    for (let y = 0; y < height; y++) {
      const rowStart = (b * height + reflectIndex(y - dy[b]!, height)) * width;
      const outStart = (b * height + y) * width;
      for (let x = 0; x < width; x++) source[outStart + x] = rowStart + columns[x]!;
    }
  }
  const pixels = tf.reshape(batch, [n * height * width, channels]);
  return tf.reshape(tf.gather(pixels, source), batch.shape);
}
