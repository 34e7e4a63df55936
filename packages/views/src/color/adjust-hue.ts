import * as tf from '@tensorflow/tfjs';

/** x mod 6 for any sign, kept explicit so every backend agrees. */
function mod6(x: tf.Tensor): tf.Tensor {
  return tf.sub(x, tf.mul(6, tf.floor(tf.div(x, 6))));
}

/** Columns g - b, b - r, r - g of `rgb @ CHANNEL_DIFFERENCES`. */
const CHANNEL_DIFFERENCES = [
  [0, -1, 1],
  [1, 0, -1],
  [-1, 1, 0],
];

/**
 * Rotates hue by `shift` turns (a number or a per-image [B,1,1,1] tensor) in HSV space, as
 * torchvision and PIL do. Value and saturation are kept, so with the hue in sixths
 * h = (g - b) / delta, 2 + (b - r) / delta or 4 + (r - g) / delta for a red, green or blue
 * maximum, the output is `max - delta * clamp(min(k, 4 - k), 0, 1)`, `k = (n + h + 6 shift) mod 6`,
 * n = 5, 3, 1 for R, G, B. Written without per-channel slices or broadcast comparisons, which
 * are slow on wasm. A zero shift reproduces the input to float rounding.
 * A no-op (clone) on 1-channel batches, which have no hue.
 */
export function adjustHue(batch: tf.Tensor4D, shift: number | tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    if (batch.shape[3] === 1) return tf.clone(batch);
    const [n, h, w] = batch.shape;
    const max = tf.max(batch, 3, true);
    const delta = tf.sub(max, tf.min(batch, 3, true));
    const differences = tf.reshape(tf.matMul(tf.reshape(batch, [n * h * w, 3]), tf.tensor2d(CHANNEL_DIFFERENCES)), [n, h, w, 3]);
    // Grey pixels (delta 0) have zero differences and no hue: any finite divisor works.
    const candidates = tf.add(tf.div(differences, tf.maximum(delta, 1e-12)), tf.tensor1d([0, 2, 4]));
    // Which branch applies: the channel holding the maximum (on ties the branches agree mod 6).
    const branch = tf.oneHot(tf.argMax(batch, 3), 3);
    const hue6 = tf.sum(tf.mul(candidates, branch), 3, true);
    const s = typeof shift === 'number' ? tf.scalar(shift) : shift;
    const k = mod6(tf.add(tf.add(hue6, tf.mul(s, 6)), tf.tensor1d([5, 3, 1])));
    const ramp = tf.clipByValue(tf.minimum(k, tf.sub(4, k)), 0, 1);
    return tf.sub(max, tf.mul(delta, ramp)) as tf.Tensor4D;
  });
}
