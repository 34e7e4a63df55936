import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random/rng';

/**
 * Weight initialisers drawn from an `Rng`, so the same seed gives the same weights on every
 * backend. `fanIn`-uniform is PyTorch's default for conv and linear layers (kaiming_uniform with
 * a = sqrt(5)), which the reference implementations of AMDIM, DIM and CPC inherit.
 */
export type InitializerName = 'fan-in-uniform' | 'he-normal' | 'glorot-uniform' | 'zeros' | 'ones';

export function initialize(
  name: InitializerName,
  shape: number[],
  fanIn: number,
  fanOut: number,
  rng: Rng,
): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  switch (name) {
    case 'zeros':
      return tf.zeros(shape);
    case 'ones':
      return tf.ones(shape);
    case 'fan-in-uniform': {
      const bound = 1 / Math.sqrt(Math.max(1, fanIn));
      return tf.tensor(rng.uniformArray(size, -bound, bound), shape);
    }
    case 'he-normal':
      return tf.tensor(rng.normalArray(size, 0, Math.sqrt(2 / Math.max(1, fanIn))), shape);
    case 'glorot-uniform': {
      const bound = Math.sqrt(6 / Math.max(1, fanIn + fanOut));
      return tf.tensor(rng.uniformArray(size, -bound, bound), shape);
    }
    default: {
      const never: never = name;
      throw new Error(`Unknown initializer '${String(never)}'`);
    }
  }
}

/**
 * A 1x1 kernel [1,1,C,C] (or matrix [C,C] when `rank2`) of U(-scale, scale) noise plus the
 * identity: AMDIM's and DIM's "near identity" shortcut initialisation.
 */
export function noisyIdentity(channels: number, outChannels: number, scale: number, rng: Rng, rank2 = false): tf.Tensor {
  const data = rng.uniformArray(channels * outChannels, -scale, scale);
  for (let i = 0; i < Math.min(channels, outChannels); i++) data[i * outChannels + i]! += 1;
  return tf.tensor(data, rank2 ? [channels, outChannels] : [1, 1, channels, outChannels]);
}
