import * as tf from '@tensorflow/tfjs';

/** The identity [n, m] (m defaults to n): one positive per row, at the row's own index. */
export function diagonalMask(n: number, m: number = n): tf.Tensor2D {
  if (!Number.isInteger(n) || n <= 0 || !Number.isInteger(m) || m <= 0) {
    throw new Error(`diagonalMask: sizes must be positive integers, got ${n} x ${m}`);
  }
  return tf.eye(n, m) as tf.Tensor2D;
}
