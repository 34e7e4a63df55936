import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, TEST_BACKENDS, useBackend } from '@infomax/core';
import { AmdimResidualHead, DimEncodeAndDotHead } from '@infomax/critics';
import { expectClose, seededTensor } from './helpers';

function channelMoments(x: tf.Tensor): { mean: number[]; variance: number[] } {
  const { mean, variance } = tf.moments(x, [...Array(x.rank - 1).keys()]);
  return { mean: Array.from(mean.dataSync()), variance: Array.from(variance.dataSync()) };
}

for (const { name, tolerance } of TEST_BACKENDS) {
  describe(`AmdimResidualHead (${name})`, () => {
    beforeAll(() => useBackend(name));

    it('starts its shortcut near the identity: diagonal within 0.01 of 1, the rest within 0.01 of 0', () => {
      const head = new AmdimResidualHead({ inChannels: 8, outChannels: 12 }, new Rng(1));
      const k = head.shortcut.kernel.reshape([8, 12]).arraySync() as number[][];
      let offDiagonalSpread = 0;
      k.forEach((row, i) =>
        row.forEach((v, j) => {
          if (i === j) expect(Math.abs(v - 1)).toBeLessThanOrEqual(0.01);
          else {
            expect(Math.abs(v)).toBeLessThanOrEqual(0.01);
            offDiagonalSpread = Math.max(offDiagonalSpread, Math.abs(v));
          }
        }),
      );
      expect(offDiagonalSpread).toBeGreaterThan(0.001); // noisy, not an exact identity
      expect(head.shortcut.bias).not.toBeNull();
      expect(head.branchIn.bias).toBeNull();
      expect(head.branchOut.bias).toBeNull();
      expect([...head.namedVariables().keys()].sort()).toEqual([
        'branch_in/kernel',
        'branch_out/kernel',
        'norm/beta',
        'norm/gamma',
        'norm/moving_mean',
        'norm/moving_variance',
        'shortcut/bias',
        'shortcut/kernel',
      ]);
      head.dispose();
    });

    it('batch norm: batch statistics in training, moving statistics in inference', () => {
      const head = new AmdimResidualHead({ inChannels: 4, outChannels: 6 }, new Rng(2));
      const x = seededTensor([3, 5, 5, 4], 3);
      // The pre-norm sum by hand, with tf.conv2d as an independent reference for the 1x1 convs.
      const conv = (input: tf.Tensor, kernel: tf.Variable) => tf.conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'valid');
      const pre = tf.add(
        conv(tf.relu(conv(x, head.branchIn.kernel)), head.branchOut.kernel),
        tf.add(conv(x, head.shortcut.kernel), head.shortcut.bias!),
      );
      // Inference before any update: moving mean 0, variance 1.
      expectClose(head.apply(x, { training: false }), tf.div(pre, Math.sqrt(1 + 1e-5)), 1e-4);

      const train = head.apply(x, { training: true });
      expect(train.shape).toEqual([3, 5, 5, 6]);
      const m = channelMoments(train);
      m.mean.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-4));
      m.variance.forEach((v) => expect(Math.abs(v - 1)).toBeLessThan(1e-2));
      const { mean: batchMean, variance: batchVariance } = tf.moments(pre, [0, 1, 2]);
      expectClose(train, tf.div(tf.sub(pre, batchMean), tf.sqrt(tf.add(batchVariance, 1e-5))), 1e-4);
      // Moving mean after one update: 0.9 * 0 + 0.1 * batch mean.
      expectClose(head.norm.movingMean, tf.mul(batchMean, 0.1), 1e-4);
      // Inference now differs from training.
      const infer = head.apply(x, { training: false });
      expect(tf.max(tf.abs(tf.sub(infer, train))).dataSync()[0]).toBeGreaterThan(1e-2);
      head.dispose();
    });

    it('embeds vectors, location lists and maps alike', () => {
      const head = new AmdimResidualHead({ inChannels: 4, outChannels: 5 }, new Rng(3));
      const map = seededTensor([2, 3, 3, 4], 4);
      const asList = head.apply(map.reshape([2, 9, 4]), { training: false });
      expect(asList.shape).toEqual([2, 9, 5]);
      expectClose(head.apply(map, { training: false }).reshape([2, 9, 5]), asList, tolerance);
      expect(head.apply(seededTensor([2, 4], 5), { training: false }).shape).toEqual([2, 5]);
      expect(() => head.apply(tf.zeros([2, 3, 3, 7]), { training: false })).toThrow(/AmdimResidualHead input/);
      head.dispose();
    });

    it('does not leak', async () => {
      const head = new AmdimResidualHead({ inChannels: 4, outChannels: 4 }, new Rng(4));
      const x = seededTensor([2, 5, 5, 4], 6);
      await expectNoLeakedTensors(() => head.apply(x, { training: true }).dispose());
      x.dispose();
      head.dispose();
    });
  });

  describe(`DimEncodeAndDotHead (${name})`, () => {
    beforeAll(() => useBackend(name));

    it('matches the formula LN(conv(relu(BN(conv(x)))) + shortcut(x)) and layer-normalises each location', () => {
      const head = new DimEncodeAndDotHead({ inChannels: 3, units: 6 }, new Rng(5));
      expect(head.hidden.bias).toBeNull();
      expect(head.output.bias).not.toBeNull();
      expect(head.shortcut.bias).toBeNull();
      const k = head.shortcut.kernel.reshape([3, 6]).arraySync() as number[][];
      k.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - (i === j ? 1 : 0))).toBeLessThanOrEqual(0.01)));

      const x = seededTensor([4, 2, 2, 3], 7);
      const y = head.apply(x, { training: true });
      expect(y.shape).toEqual([4, 2, 2, 6]);
      const perLocation = tf.moments(y, -1);
      expect(tf.max(tf.abs(perLocation.mean)).dataSync()[0]).toBeLessThan(1e-4);
      expect(tf.max(tf.abs(tf.sub(perLocation.variance, 1))).dataSync()[0]).toBeLessThan(1e-2);

      const conv = (input: tf.Tensor, kernel: tf.Variable) => tf.conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'valid');
      const h = conv(x, head.hidden.kernel);
      const { mean, variance } = tf.moments(h, [0, 1, 2]);
      const bn = tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5)));
      const sum = tf.add(tf.add(conv(tf.relu(bn), head.output.kernel), head.output.bias!), conv(x, head.shortcut.kernel));
      const ln = tf.moments(sum, -1, true);
      expectClose(y, tf.div(tf.sub(sum, ln.mean), tf.sqrt(tf.add(ln.variance, 1e-5))), 1e-4);
      head.dispose();
    });

    it('treats a global vector as a 1x1 map', () => {
      const head = new DimEncodeAndDotHead({ inChannels: 5, units: 4 }, new Rng(6));
      const y = seededTensor([3, 5], 8);
      expectClose(
        head.apply(y, { training: false }),
        head.apply(y.reshape([3, 1, 1, 5]), { training: false }).reshape([3, 4]),
        tolerance,
      );
      expect(head.getConfig()).toMatchObject({ inChannels: 5, units: 4 });
      head.dispose();
    });

    it('defaults to 2048 units', () => {
      const head = new DimEncodeAndDotHead({ inChannels: 2 }, new Rng(7));
      expect(head.outChannels).toBe(2048);
      head.dispose();
    });
  });
}
