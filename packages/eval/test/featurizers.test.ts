import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend, type ApplyOptions, type Encoder } from '@infomax/core';
import { encoderFeaturizer, rawPixelFeaturizer } from '../src';

/** An Encoder stand-in: `global` = per-example sum [B, 1], `local` = the input map itself. */
function fakeEncoder(modes: boolean[]): Encoder {
  return {
    apply(x: tf.Tensor, { training }: ApplyOptions) {
      modes.push(training);
      return { global: tf.sum(x, [1, 2, 3], true).reshape([x.shape[0]!, 1]), local: tf.mul(x, 1) };
    },
    featureShapes: () => ({ global: [1], local: [2, 2, 1] }),
    getConfig: () => ({}),
    namedVariables: () => new Map(),
    trainableVariables: [],
    nonTrainableVariables: [],
    dispose: () => undefined,
  };
}

describe('featurizers (cpu)', () => {
  beforeAll(() => useBackend('cpu'));
  const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);

  it('rawPixelFeaturizer flattens each example', async () => {
    const out = tf.tidy(() => rawPixelFeaturizer()(x));
    expect(out.shape).toEqual([2, 4]);
    expect([...(await out.data())]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    out.dispose();
  });

  it('encoderFeaturizer picks a named feature in inference mode and flattens it', async () => {
    const modes: boolean[] = [];
    const encoder = fakeEncoder(modes);
    const global = tf.tidy(() => encoderFeaturizer(encoder)(x));
    const local = tf.tidy(() => encoderFeaturizer(encoder, 'local')(x));
    expect(global.shape).toEqual([2, 1]);
    expect([...(await global.data())]).toEqual([10, 26]);
    expect(local.shape).toEqual([2, 4]);
    expect(modes).toEqual([false, false]);
    tf.dispose([global, local]);
    expect(() => tf.tidy(() => encoderFeaturizer(encoder, 'local7')(x))).toThrow(
      /the encoder yields no feature 'local7'; it yields 'global', 'local'/,
    );
  });
});
