import * as tf from '@tensorflow/tfjs';
import { assertShape, ShapeError } from '@infomax/core';

/** Patches of `patchSize` every `stride` pixels along an axis of `size`. */
export function patchCount(size: number, patchSize: number, stride: number): number {
  return Math.floor((size - patchSize) / stride) + 1;
}

/**
 * Cuts images [B, H, W, C] into the grid of overlapping square patches [B, gh, gw, p, p, C]
 * that CPC's image encoder reads, without augmentation: the deterministic cut an objective
 * needs for evaluation features, where no view generator runs. Training views with per-patch
 * augmentation come from a view generator ('patch-grid' of @infomax/views) in the same layout.
 */
export function cutPatchGrid(images: tf.Tensor, patchSize: number, stride: number): tf.Tensor {
  assertShape(images, [null, null, null, null], 'cutPatchGrid images [B, H, W, C]');
  const [batch, height, width, channels] = images.shape as [number, number, number, number];
  if (patchSize > height || patchSize > width) {
    throw new ShapeError(`cutPatchGrid: patch size ${patchSize} exceeds the ${height}x${width} images`);
  }
  const gh = patchCount(height, patchSize, stride);
  const gw = patchCount(width, patchSize, stride);
  const offsets = (count: number) => {
    const out = new Int32Array(count * patchSize);
    for (let i = 0; i < count; i++) for (let a = 0; a < patchSize; a++) out[i * patchSize + a] = i * stride + a;
    return out;
  };
  return tf.tidy(() => {
    // Pixel rows of every patch row, then pixel columns of every patch column: [B, gh·p, gw·p, C].
    const cells = tf.gather(tf.gather(images, offsets(gh), 1), offsets(gw), 2);
    const split = tf.reshape(cells, [batch * gh, patchSize, gw, patchSize, channels]);
    return tf.reshape(tf.transpose(split, [0, 2, 1, 3, 4]), [batch, gh, gw, patchSize, patchSize, channels]);
  });
}
