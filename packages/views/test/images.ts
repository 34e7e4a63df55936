import * as tf from '@tensorflow/tfjs';
import { Rng } from '@infomax/core';

/** A [n, h, w, c] batch of uniform [0, 1) values drawn from a seeded stream. */
export function randomImages(shape: [number, number, number, number], seed = 1): tf.Tensor4D {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(new Rng(seed).uniformArray(size), shape);
}

/** The largest absolute difference between two same-shaped tensors. */
export async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expectSameShape(a, b);
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const value = (await d.data())[0]!;
  d.dispose();
  return value;
}

function expectSameShape(a: tf.Tensor, b: tf.Tensor): void {
  if (a.shape.join(',') !== b.shape.join(',')) {
    throw new Error(`shapes differ: [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]`);
  }
}
