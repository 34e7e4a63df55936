import * as tf from '@tensorflow/tfjs';
import { toGrayscaleRgb } from './luminance';

/**
 * Blends each pixel with its luminance: `factor * x + (1 - factor) * gray`, clipped to [0, 1].
 * A no-op (clone) on 1-channel batches, which have no saturation.
 */
export function adjustSaturation(batch: tf.Tensor4D, factor: number | tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    if (batch.shape[3] === 1) return tf.clone(batch);
    const f = typeof factor === 'number' ? tf.scalar(factor) : factor;
    const blended = tf.add(tf.mul(batch, f), tf.mul(tf.sub(1, f), toGrayscaleRgb(batch)));
    return tf.clipByValue(blended, 0, 1) as tf.Tensor4D;
  });
}
