import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, TEST_BACKENDS, useBackend } from '@infomax/core';
import { DimConvEncoder } from '@infomax/encoders';
import { maxAbsDiff, seededUniform } from './helpers';

const small = { yDim: 8, widths: [4, 8, 16] as const, fcUnits: 32 };

describe('DimConvEncoder construction', () => {
  it('has 4,921,280 parameters in the basic 32x32 configuration', () => {
    const encoder = new DimConvEncoder({}, new Rng(0));
    // convs 3,072 + 131,072 + 524,288; their BN 896; FC 4,194,304 (no bias); BN 2,048; FC to Y 65,600.
    expect(encoder.countParameters()).toBe(4_921_280);
    encoder.dispose();
  });

  it('explains a size mismatch', () => {
    const encoder = new DimConvEncoder({ ...small }, new Rng(0));
    const x = tf.zeros([1, 28, 28, 3]);
    expect(() => encoder.apply(x, { training: false })).toThrow(
      /expects input \[B, 32, 32, 3\], got \[1, 28, 28, 3\]: its images are 28x28, not 32x32 — build the encoder with inputSize 28/,
    );
    x.dispose();
    encoder.dispose();
  });
});

for (const { name, tolerance } of TEST_BACKENDS) {
  describe(`DimConvEncoder on ${name}`, () => {
    beforeAll(() => useBackend(name));

    const cases = [
      { inputSize: 32 as const, inChannels: 3, local: 8 },
      { inputSize: 28 as const, inChannels: 1, local: 7 },
    ];
    for (const { inputSize, inChannels, local } of cases) {
      it(`yields global, local ${local}x${local}, conv and fc for ${inputSize}x${inputSize}x${inChannels}`, () => {
        const encoder = new DimConvEncoder({ inputSize, inChannels, ...small }, new Rng(1));
        const x = seededUniform([3, inputSize, inputSize, inChannels], 2);
        const f = encoder.apply(x, { training: true });
        const shapes = Object.fromEntries(Object.entries(f).map(([k, t]) => [k, t.shape]));
        expect(shapes).toEqual({ global: [3, 8], local: [3, local, local, 8], conv: [3, 4, 4, 16], fc: [3, 32] });
        expect(encoder.featureShapes([inputSize, inputSize, inChannels])).toEqual({
          global: [8],
          local: [local, local, 8],
          conv: [4, 4, 16],
          fc: [32],
        });
        // Local features and fc come after ReLU.
        expect(tf.min(f.local!).dataSync()[0]).toBeGreaterThanOrEqual(0);
        tf.dispose([x, f]);
        encoder.dispose();
      });
    }

    it('updates the batch-norm moving statistics in training, by momentum 0.1 of the batch mean', () => {
      const encoder = new DimConvEncoder({ ...small }, new Rng(3));
      const vars = encoder.namedVariables();
      const x = seededUniform([4, 32, 32, 3], 4) as tf.Tensor4D;
      const preActivation = tf.conv2d(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]), vars.get('conv0/kernel') as tf.Tensor4D, 2, 'valid');
      const batchMean = tf.mean(preActivation, [0, 1, 2]);
      tf.dispose(encoder.apply(x, { training: true }));
      const expected = tf.mul(batchMean, 0.1);
      expect(maxAbsDiff(vars.get('conv0_norm/moving_mean')!, expected)).toBeLessThanOrEqual(tolerance);
      expect(tf.max(tf.abs(vars.get('fc_norm/moving_mean')!)).dataSync()[0]).toBeGreaterThan(0);
      // Inference leaves them alone.
      const before = vars.get('fc_norm/moving_variance')!.clone();
      tf.dispose(encoder.apply(x, { training: false }));
      expect(maxAbsDiff(vars.get('fc_norm/moving_variance')!, before)).toBe(0);
      tf.dispose([x, preActivation, batchMean, expected, before]);
      encoder.dispose();
    });

    it('uses batch statistics in training and moving statistics in inference', () => {
      const encoder = new DimConvEncoder({ ...small }, new Rng(5));
      const a = seededUniform([1, 32, 32, 3], 6);
      const b = seededUniform([1, 32, 32, 3], 7);
      const c = seededUniform([1, 32, 32, 3], 8);
      const withB = tf.concat([a, b]);
      const withC = tf.concat([a, c]);
      const firstRow = (x: tf.Tensor, training: boolean) =>
        tf.tidy(() => {
          const f = encoder.apply(x, { training });
          return tf.slice(f.global!, [0, 0], [1, -1]);
        });
      // Inference: image a's features do not depend on its batch mates.
      const [infB, infC] = [firstRow(withB, false), firstRow(withC, false)];
      expect(maxAbsDiff(infB, infC)).toBeLessThanOrEqual(tolerance);
      // Training: they do, through the batch statistics.
      const [trB, trC] = [firstRow(withB, true), firstRow(withC, true)];
      expect(maxAbsDiff(trB, trC)).toBeGreaterThan(1e-3);
      tf.dispose([a, b, c, withB, withC, infB, infC, trB, trC]);
      encoder.dispose();
    });

    it('keeps the moving statistics in namedVariables (so checkpoints carry them), not trainable', () => {
      const encoder = new DimConvEncoder({ ...small }, new Rng(9));
      const paths = [...encoder.namedVariables().keys()];
      for (const norm of ['conv0_norm', 'conv1_norm', 'conv2_norm', 'fc_norm']) {
        expect(paths).toContain(`${norm}/moving_mean`);
        expect(paths).toContain(`${norm}/moving_variance`);
      }
      expect(encoder.nonTrainableVariables).toHaveLength(8);
      expect(encoder.trainableVariables.some((v) => encoder.nonTrainableVariables.includes(v))).toBe(false);
      encoder.dispose();
    });

    it('leaks no tensors in a forward pass', async () => {
      const encoder = new DimConvEncoder({ ...small }, new Rng(10));
      const x = seededUniform([2, 32, 32, 3], 11);
      await expectNoLeakedTensors(() => tf.dispose(encoder.apply(x, { training: true })), { repeats: 2 });
      x.dispose();
      encoder.dispose();
    });
  });
}
