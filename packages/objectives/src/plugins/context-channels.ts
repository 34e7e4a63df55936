import * as tf from '@tensorflow/tfjs';
import type { ContextNetwork } from '@infomax/core';

/**
 * The channel count of a context network's output for one example of `featureShape`. The
 * ContextNetwork contract has no shape query, so this runs one tiny inference-mode forward pass
 * at build time: any context network works, whatever its options call its width.
 */
export function contextChannelsOf(network: ContextNetwork, featureShape: readonly number[]): number {
  return tf.tidy(() => {
    const out = network.apply(tf.zeros([1, ...featureShape]), { training: false });
    return out.shape[out.rank - 1]!;
  });
}
