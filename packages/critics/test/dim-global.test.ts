import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, TEST_BACKENDS, useBackend } from '@infomax/core';
import { DimGlobalDiscriminator } from '@infomax/critics';
import { expectClose, seededTensor, disposeOutputs } from './helpers';

/** Scores pair by pair: the discriminator run on one (Y_i, map_j) at a time. */
function pairScore(d: DimGlobalDiscriminator, y: tf.Tensor, maps: tf.Tensor, i: number, j: number): number {
  return tf.tidy(() => {
    const map = tf.slice(maps, [j, 0, 0, 0], [1, -1, -1, -1]);
    const flat = tf.reshape(d.conv2.apply(tf.relu(d.conv1.apply(map))), [1, -1]);
    const joint = tf.concat([flat, tf.slice(y, [i, 0], [1, -1])], 1);
    return d.fc3.apply(tf.relu(d.fc2.apply(tf.relu(d.fc1.apply(joint))))).dataSync()[0]!;
  });
}

function naiveScores(d: DimGlobalDiscriminator, y: tf.Tensor, maps: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const B = y.shape[0]!;
    const flat = tf.reshape(d.conv2.apply(tf.relu(d.conv1.apply(maps))), [B, -1]);
    const flatPairs = tf.tile(tf.expandDims(flat, 0), [B, 1, 1]); // [i, j, F]: map j
    const yPairs = tf.tile(tf.expandDims(y, 1), [1, B, 1]); // [i, j, Dy]: Y i
    const joint = tf.concat([flatPairs, yPairs], -1);
    return tf.reshape(d.fc3.apply(tf.relu(d.fc2.apply(tf.relu(d.fc1.apply(joint))))), [B, B]);
  });
}

for (const { name } of TEST_BACKENDS) {
  describe(`DimGlobalDiscriminator (${name})`, () => {
    beforeAll(() => useBackend(name));

    it('scores every (Y_i, map_j) pair, row i = Y_i, column j = map j, diagonal positive', () => {
      const d = new DimGlobalDiscriminator({ globalChannels: 3, localChannels: 2, mapSize: [6, 5], convChannels: [4, 3], hiddenUnits: 6 }, new Rng(1));
      const y = seededTensor([3, 3], 1);
      const maps = seededTensor([3, 6, 5, 2], 2);
      const { scores, positiveMask } = d.score(y, maps);
      expect(scores.shape).toEqual([3, 3]);
      const expected = [0, 1, 2].map((i) => [0, 1, 2].map((j) => pairScore(d, y, maps, i, j)));
      expectClose(scores, expected, 1e-4);
      expect(positiveMask.arraySync()).toEqual([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ]);
      d.dispose();
    });

    it('has DIM sizes by default: 3x3 convs 64 and 32, FC 512, 512, 1', () => {
      const d = new DimGlobalDiscriminator({ globalChannels: 64, localChannels: 128, mapSize: 8 }, new Rng(2));
      expect(d.conv1.kernel.shape).toEqual([3, 3, 128, 64]);
      expect(d.conv2.kernel.shape).toEqual([3, 3, 64, 32]);
      expect(d.fc1.kernel.shape).toEqual([4 * 4 * 32 + 64, 512]);
      expect(d.fc2.kernel.shape).toEqual([512, 512]);
      expect(d.fc3.kernel.shape).toEqual([512, 1]);
      d.dispose();
    });

    it('checks the map size and the inputs', () => {
      expect(() => new DimGlobalDiscriminator({ globalChannels: 2, localChannels: 2, mapSize: 4 }, new Rng(0))).toThrow(/at least 5x5/);
      const d = new DimGlobalDiscriminator({ globalChannels: 2, localChannels: 2, mapSize: 5, convChannels: [2, 2], hiddenUnits: 2 }, new Rng(3));
      expect(() => d.score(tf.zeros([2, 2]), tf.zeros([2, 6, 6, 2]))).toThrow(/DimGlobalDiscriminator maps must have shape \[B, 5, 5, 2\]/);
      expect(() => d.score(tf.zeros([3, 2]), tf.zeros([2, 5, 5, 2]))).toThrow(/maps axis 0 \(B\) is 2, but DimGlobalDiscriminator globals has B = 3/);
      d.dispose();
    });

    it('does not leak', async () => {
      const d = new DimGlobalDiscriminator({ globalChannels: 2, localChannels: 2, mapSize: 5, convChannels: [2, 2], hiddenUnits: 3 }, new Rng(4));
      const y = seededTensor([2, 2], 3);
      const maps = seededTensor([2, 5, 5, 2], 4);
      await expectNoLeakedTensors(() => disposeOutputs(d.score(y, maps)));
      tf.dispose([y, maps]);
      d.dispose();
    });
  });
}

describe('DimGlobalDiscriminator gradients (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('match the gradients of scoring the explicit pairs', () => {
    const d = new DimGlobalDiscriminator({ globalChannels: 2, localChannels: 2, mapSize: 5, convChannels: [3, 2], hiddenUnits: 4 }, new Rng(5));
    const y = seededTensor([3, 2], 5);
    const maps = seededTensor([3, 5, 5, 2], 6);
    const weights = seededTensor([3, 3], 7);
    const fast = tf.variableGrads(() => tf.sum(tf.mul(d.score(y, maps).scores, weights)) as tf.Scalar, d.trainableVariables);
    const naive = tf.variableGrads(() => tf.sum(tf.mul(naiveScores(d, y, maps), weights)) as tf.Scalar, d.trainableVariables);
    expectClose(fast.value, naive.value, 1e-5);
    for (const v of d.trainableVariables) expectClose(fast.grads[v.name]!, naive.grads[v.name]!, 1e-4);
    d.dispose();
  });
});
