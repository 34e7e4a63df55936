import * as tf from '@tensorflow/tfjs';
import { assertShape, ShapeError } from '@infomax/core';

/** Checks an NHWC image batch and returns its channel count. */
export function assertImageBatch(batch: tf.Tensor, label: string, channels?: readonly number[]): number {
  assertShape(batch, ['B', 'H', 'W', 'C'], label);
  const c = batch.shape[3]!;
  if (channels && !channels.includes(c)) {
    throw new ShapeError(
      `${label} must have ${channels.join(' or ')} channels (NHWC), got ${c} in [${batch.shape.join(', ')}]`,
    );
  }
  return c;
}

/** One value per image as a [n, 1, 1, 1] tensor that broadcasts over an NHWC batch. */
export function perImage(values: ArrayLike<number>): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(values as ArrayLike<number>), [values.length, 1, 1, 1]);
}

/**
 * Gathers along axis 1 with a different index list per image (`indices` is [batch, count]
 * flat): the batched building block of temporal windows. Done as one flat gather over
 * [batch * n, ...] with per-image offsets, because `tf.gather`'s `batchDims` gives wrong
 * results on the wasm backend of tfjs 4.22 (every image after the first reads wrong rows).
 */
export function gatherPerImage<T extends tf.Tensor>(x: T, indices: Int32Array): T {
  const [batch, n, ...rest] = x.shape as number[];
  const count = indices.length / batch!;
  const flat = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) flat[i] = indices[i]! + Math.floor(i / count) * n!;
  return tf.tidy(() => {
    const rows = tf.reshape(x, [batch! * n!, ...rest]);
    return tf.reshape(tf.gather(rows, flat), [batch!, count, ...rest]) as T;
  });
}

/**
 * Selects per image between `onTrue` and `onFalse` (same shape) as `a * m + b * (1 - m)` with a
 * 0/1 mask per image: exact for finite values, and far cheaper on wasm than `tf.where` with a
 * broadcast condition.
 */
export function selectPerImage(mask: readonly boolean[], onTrue: tf.Tensor4D, onFalse: tf.Tensor4D): tf.Tensor4D {
  if (mask.every(Boolean)) return onTrue;
  if (!mask.some(Boolean)) return onFalse;
  return tf.tidy(() => {
    const m = perImage(mask.map((v) => (v ? 1 : 0)));
    return tf.add(tf.mul(onTrue, m), tf.mul(onFalse, tf.sub(1, m))) as tf.Tensor4D;
  });
}

export function activeAt(active: readonly boolean[] | undefined, index: number): boolean {
  return active === undefined || active[index] === true;
}

/**
 * Runs `fn` on the images `members` only and writes its (same-shaped) result back in place,
 * leaving the others bit-identical. Picking and placing are matMuls with 0/1 selection matrices
 * (exact for finite values): on wasm these are several times faster than gather or slices.
 */
export function applyToImages(
  x: tf.Tensor4D,
  members: readonly number[],
  fn: (subset: tf.Tensor4D) => tf.Tensor4D,
): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  if (members.length === 0) return x;
  if (members.length === n && members.every((m, i) => m === i)) return fn(x);
  return tf.tidy(() => {
    const k = members.length;
    const pick = new Float32Array(k * n);
    const place = new Float32Array(n * k);
    const untouched = new Array<number>(n).fill(1);
    members.forEach((image, row) => {
      pick[row * n + image] = 1;
      place[image * k + row] = 1;
      untouched[image] = 0;
    });
    const flat = tf.reshape(x, [n, h * w * c]);
    const subset = tf.reshape(tf.matMul(tf.tensor2d(pick, [k, n]), flat), [k, h, w, c]) as tf.Tensor4D;
    const result = fn(subset);
    if (result.shape.join() !== subset.shape.join()) {
      throw new Error(`applyToImages: fn must keep the shape [${subset.shape.join(', ')}], got [${result.shape.join(', ')}]`);
    }
    const placed = tf.matMul(tf.tensor2d(place, [n, k]), tf.reshape(result, [k, h * w * c]));
    return tf.add(tf.mul(x, perImage(untouched)), tf.reshape(placed, x.shape)) as tf.Tensor4D;
  });
}
