import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/core';

/** A seeded normal tensor, identical on every backend (tf.random* is backend-dependent). */
export function seededNormal(shape: number[], seed: number | string, std = 1): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(new Rng(seed).normalArray(size, 0, std), shape);
}

/** Seeded uniform values in [low, high). */
export function seededUniform(shape: number[], seed: number | string, low = 0, high = 1): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(new Rng(seed).uniformArray(size, low, high), shape);
}

/** Largest absolute difference of two same-shaped tensors, read back synchronously (tests only). */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}
