import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, TEST_BACKENDS, useBackend } from '@infomax/core';
import { ConcatConvCritic, sameImageBlockMask } from '@infomax/critics';
import { expectClose, seededTensor, disposeOutputs } from './helpers';

/** The literal recipe: build every [c_{j,l}; y_i] and run the three 1x1 convs with tf.conv2d. */
function naiveScores(critic: ConcatConvCritic, y: tf.Tensor, map: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const B = y.shape[0]!;
    const Dy = y.shape[1]!;
    const Dc = map.shape[map.rank - 1]!;
    const L = map.size / (B * Dc);
    const locals = tf.reshape(map, [1, B * L, Dc]);
    const tiledLocals = tf.tile(locals, [B, 1, 1]); // [B_y, B*L, Dc]
    const tiledGlobals = tf.tile(tf.reshape(y, [B, 1, Dy]), [1, B * L, 1]); // [B_y, B*L, Dy]
    const pairs = tf.reshape(tf.concat([tiledLocals, tiledGlobals], -1), [B, B * L, 1, Dc + Dy]) as tf.Tensor4D;
    const h1 = tf.relu(critic.first.apply(pairs));
    const h2 = tf.relu(critic.second.apply(h1));
    return tf.reshape(critic.output.apply(h2), [B, B * L]);
  });
}

for (const { name, tolerance } of TEST_BACKENDS) {
  describe(`ConcatConvCritic (${name})`, () => {
    beforeAll(() => useBackend(name));

    it('equals concat-then-conv on every (Y_i, location of image j) pair, same-image positives', () => {
      const critic = new ConcatConvCritic({ globalChannels: 3, localChannels: 4, hiddenUnits: 8 }, new Rng(1));
      const y = seededTensor([3, 3], 1);
      const map = seededTensor([3, 2, 2, 4], 2);
      const { scores, positiveMask } = critic.score(y, map);
      expect(scores.shape).toEqual([3, 12]);
      expectClose(scores, naiveScores(critic, y, map), 1e-4);
      expectClose(positiveMask, sameImageBlockMask(3, 4), 0);
      // A location list gives the same scores as the map it came from.
      expectClose(critic.score(y, map.reshape([3, 4, 4])).scores, scores, tolerance);
      critic.dispose();
    });

    it('has the three 1x1 convs of DIM (512 wide by default)', () => {
      const critic = new ConcatConvCritic({ globalChannels: 64, localChannels: 128 }, new Rng(2));
      expect(critic.first.kernel.shape).toEqual([1, 1, 192, 512]);
      expect(critic.second.kernel.shape).toEqual([1, 1, 512, 512]);
      expect(critic.output.kernel.shape).toEqual([1, 1, 512, 1]);
      expect(critic.getConfig()).toEqual({ globalChannels: 64, localChannels: 128, hiddenUnits: 512 });
      critic.dispose();
    });

    it('names the mismatched input', () => {
      const critic = new ConcatConvCritic({ globalChannels: 3, localChannels: 4, hiddenUnits: 2 }, new Rng(3));
      expect(() => critic.score(tf.zeros([2, 5]), tf.zeros([2, 2, 2, 4]))).toThrow(/ConcatConvCritic globals must have shape \[B, 3\]/);
      expect(() => critic.score(tf.zeros([2, 3]), tf.zeros([2, 2, 2, 5]))).toThrow(/ConcatConvCritic locals must have shape \[\?, \?, \?, 4\]/);
      expect(() => critic.score(tf.zeros([2, 3]), tf.zeros([3, 2, 2, 4]))).toThrow(/ConcatConvCritic locals axis 0 \(B\) is 3/);
      critic.dispose();
    });

    it('does not leak', async () => {
      const critic = new ConcatConvCritic({ globalChannels: 2, localChannels: 2, hiddenUnits: 4 }, new Rng(4));
      const y = seededTensor([2, 2], 3);
      const map = seededTensor([2, 3, 3, 2], 4);
      await expectNoLeakedTensors(() => disposeOutputs(critic.score(y, map)));
      tf.dispose([y, map]);
      critic.dispose();
    });
  });
}

describe('ConcatConvCritic gradients (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('match the gradients of the naive concatenation', () => {
    const critic = new ConcatConvCritic({ globalChannels: 2, localChannels: 3, hiddenUnits: 5 }, new Rng(5));
    const y = seededTensor([2, 2], 5);
    const map = seededTensor([2, 2, 2, 3], 6);
    const weights = seededTensor([2, 8], 7);
    const fast = tf.variableGrads(() => tf.sum(tf.mul(critic.score(y, map).scores, weights)) as tf.Scalar, critic.trainableVariables);
    const naive = tf.variableGrads(() => tf.sum(tf.mul(naiveScores(critic, y, map), weights)) as tf.Scalar, critic.trainableVariables);
    expectClose(fast.value, naive.value, 1e-5);
    for (const v of critic.trainableVariables) expectClose(fast.grads[v.name]!, naive.grads[v.name]!, 1e-4);
    // The input gradients agree as well (the encoder trains through them).
    const gradsOf = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), weights)))([y, map]);
    const [gyFast, gmFast] = gradsOf((a, b) => critic.score(a, b).scores);
    const [gyNaive, gmNaive] = gradsOf((a, b) => naiveScores(critic, a, b));
    expectClose(gyFast!, gyNaive!, 1e-4);
    expectClose(gmFast!, gmNaive!, 1e-4);
    critic.dispose();
  });
});
