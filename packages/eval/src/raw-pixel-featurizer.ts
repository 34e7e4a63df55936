import * as tf from '@tensorflow/tfjs';
import type { Featurizer } from './featurizer';

/** The raw-pixel baseline: each example's input values, flattened to one row. */
export function rawPixelFeaturizer(): Featurizer {
  return (x) => tf.reshape(x, [x.shape[0] ?? 1, -1]);
}
