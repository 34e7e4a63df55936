import * as tf from '@tensorflow/tfjs';

/** The global L2 norm of a set of gradients, as a scalar on the device (no sync). */
export function globalNorm(grads: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    if (grads.length === 0) return tf.scalar(0);
    const squares = grads.map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(tf.addN(squares)) as tf.Scalar;
  });
}

/**
 * Scales every gradient by maxNorm / max(norm, maxNorm), so the set keeps its direction and its
 * global norm is at most `maxNorm`. Stays on the device: the scale is a tensor, never read back.
 * Returns new tensors (the inputs are not disposed) and the pre-clipping global norm.
 */
export function clipByGlobalNorm<K extends string>(
  grads: Record<K, tf.Tensor>,
  maxNorm: number,
): { grads: Record<K, tf.Tensor>; globalNorm: tf.Scalar } {
  if (!(maxNorm > 0)) throw new Error(`clipByGlobalNorm: maxNorm must be positive, got ${maxNorm}`);
  return tf.tidy(() => {
    const keys = Object.keys(grads) as K[];
    const norm = globalNorm(keys.map((k) => grads[k]));
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    const clipped = {} as Record<K, tf.Tensor>;
    for (const k of keys) clipped[k] = tf.mul(grads[k], scale);
    return { grads: clipped, globalNorm: norm };
  });
}
