import * as tf from '@tensorflow/tfjs';

/** Scales intensities by `factor` (a number or a per-image [B,1,1,1] tensor), clipped to [0, 1]. */
export function adjustBrightness(batch: tf.Tensor4D, factor: number | tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => tf.clipByValue(tf.mul(batch, factor), 0, 1) as tf.Tensor4D);
}
