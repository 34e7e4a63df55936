import * as tf from '@tensorflow/tfjs';

/**
 * [B, B*L] 0/1 mask: row n is positive on the L columns of image n (every location of its own
 * map), negative elsewhere. Built from a [B, B] identity, never larger than the score matrix.
 */
export function sameImageMask(batch: number, locations: number): tf.Tensor2D {
  return tf.tidy(() =>
    tf.reshape(tf.tile(tf.expandDims(tf.eye(batch), 2), [1, 1, locations]), [batch, batch * locations]),
  );
}
