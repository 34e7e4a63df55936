import * as tf from '@tensorflow/tfjs';
import { toGrayscale } from './luminance';

/**
 * Blends each image with its mean luminance: `factor * x + (1 - factor) * mean`, clipped to
 * [0, 1]. On a 1-channel batch the mean is that channel's.
 */
export function adjustContrast(batch: tf.Tensor4D, factor: number | tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const mean = tf.mean(toGrayscale(batch), [1, 2, 3], true);
    const f = typeof factor === 'number' ? tf.scalar(factor) : factor;
    const blended = tf.add(tf.mul(batch, f), tf.mul(tf.sub(1, f), mean));
    return tf.clipByValue(blended, 0, 1) as tf.Tensor4D;
  });
}
