import * as tf from '@tensorflow/tfjs';

/** ITU-R BT.601 luma weights (R, G, B), as PIL's 'L' conversion uses. */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

// Luminance is a [pixels, 3] x [3, k] matMul: on wasm this beats multiply-and-sum, and k = 3
// equal columns replicates it to three channels without a (slow) tile or broadcast.
function lumaMatMul(batch: tf.Tensor4D, copies: number): tf.Tensor4D {
  const [n, h, w] = batch.shape;
  const weights = tf.tensor2d(
    LUMA_WEIGHTS.flatMap((v) => Array<number>(copies).fill(v)),
    [3, copies],
  );
  return tf.reshape(tf.matMul(tf.reshape(batch, [n * h * w, 3]), weights), [n, h, w, copies]);
}

/** Luminance [B, H, W, 1] of an RGB batch; a 1-channel batch is returned as is (cloned). */
export function toGrayscale(batch: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => (batch.shape[3] === 1 ? tf.clone(batch) : lumaMatMul(batch, 1)));
}

/** Luminance replicated to three equal channels [B, H, W, 3] (1-channel input: cloned). */
export function toGrayscaleRgb(batch: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => (batch.shape[3] === 1 ? tf.clone(batch) : lumaMatMul(batch, 3)));
}
