import * as tf from '@tensorflow/tfjs';
import type { Encoder } from '@infomax/core';
import { EvalInputError } from './errors';
import type { Featurizer } from './featurizer';

/**
 * Frozen features from an infomax `Encoder`: one named feature map (`global` by default),
 * computed in inference mode (batch norm uses its moving statistics) and flattened per example.
 * A randomly initialised encoder of the same architecture, wrapped the same way, is the
 * "random encoder" baseline.
 */
export function encoderFeaturizer(encoder: Encoder, feature = 'global'): Featurizer {
  return (x) => {
    const features = encoder.apply(x, { training: false });
    const selected = features[feature];
    if (!selected) {
      throw new EvalInputError(
        `encoderFeaturizer: the encoder yields no feature '${feature}'; it yields ${Object.keys(features)
          .map((name) => `'${name}'`)
          .join(', ')}`,
      );
    }
    return tf.reshape(selected, [selected.shape[0] ?? 1, -1]);
  };
}
