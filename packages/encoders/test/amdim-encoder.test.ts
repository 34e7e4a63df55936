import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, ShapeError, TEST_BACKENDS, useBackend } from '@infomax/core';
import { AmdimEncoder, AmdimResidualUnit } from '@infomax/encoders';
import { maxAbsDiff, seededNormal, seededUniform } from './helpers';

describe('AmdimEncoder construction', () => {
  it('has 777,600 parameters for ndf 32, n_rkhs 256, depth 1 (amdim-bench encoder without heads)', () => {
    const encoder = new AmdimEncoder({ ndf: 32, nRkhs: 256, depth: 1 }, new Rng(0));
    // stem 896 + 1x1 unit 2,048 + k4 block 36,864 + k2 block 49,152 + two k3 blocks 163,840 each
    // + final unit 360,448 + f1 batch-norm scale/shift 512.
    expect(encoder.countParameters()).toBe(777_600);
    expect(encoder.nonTrainableVariables.reduce((n, v) => n + v.size, 0)).toBe(512);
    encoder.dispose();
  });

  it('initialises the second conv of every residual unit to zero', () => {
    const encoder = new AmdimEncoder({ ndf: 2, nRkhs: 16, depth: 2 }, new Rng(0));
    const secondConvs = [...encoder.namedVariables()].filter(([path]) => path.endsWith('conv2/kernel'));
    // 32x32: 1x1 unit + 4 blocks of depth 2 + final unit.
    expect(secondConvs).toHaveLength(10);
    for (const [, kernel] of secondConvs) expect(tf.tidy(() => tf.max(tf.abs(kernel)).dataSync()[0])).toBe(0);
    const firstConvs = [...encoder.namedVariables()].filter(([path]) => path.endsWith('conv1/kernel'));
    for (const [, kernel] of firstConvs) expect(tf.tidy(() => tf.max(tf.abs(kernel)).dataSync()[0])).toBeGreaterThan(0);
    encoder.dispose();
  });

  it('adds inner batch norms (units and f7) only with useBatchNorm; f1 batch norm always', () => {
    const plain = new AmdimEncoder({ ndf: 2, nRkhs: 16 }, new Rng(0));
    const withBn = new AmdimEncoder({ ndf: 2, nRkhs: 16, useBatchNorm: true }, new Rng(0));
    const plainPaths = [...plain.namedVariables().keys()];
    const bnPaths = [...withBn.namedVariables().keys()];
    expect(plainPaths.filter((p) => p.includes('norm'))).toEqual([
      'f1_norm/gamma',
      'f1_norm/beta',
      'f1_norm/moving_mean',
      'f1_norm/moving_variance',
    ]);
    expect(bnPaths).toContain('layer1/norm1/moving_mean');
    expect(bnPaths).toContain('layer2/unit0/norm1/gamma');
    expect(bnPaths).toContain('f7_norm/moving_variance');
    plain.dispose();
    withBn.dispose();
  });

  it('rejects unsupported sizes and wrong inputs with the expected shape and a fix', () => {
    expect(() => new AmdimEncoder({ inputSize: 48 as never }, new Rng(0))).toThrow(/inputSize must be one of 32, 64, 128, got 48/);
    const encoder = new AmdimEncoder({ ndf: 2, nRkhs: 8 }, new Rng(0));
    const fashion = tf.zeros([2, 28, 28, 1]);
    expect(() => encoder.apply(fashion, { training: false })).toThrow(ShapeError);
    expect(() => encoder.apply(fashion, { training: false })).toThrow(
      /expects input \[B, 32, 32, 3\], got \[2, 28, 28, 1\]: its images are 28x28, not 32x32 — zero-pad .*pad 2 pixels on each side.*; it has 1 channel, not 3 — build the encoder with inChannels: 1/,
    );
    expect(() => encoder.apply(tf.zeros([2, 32, 32]), { training: false })).toThrow(/got rank 3 \[2, 32, 32\]/);
    expect(() => encoder.featureShapes([64, 64, 3])).toThrow(/images are 64x64, not 32x32/);
    fashion.dispose();
    encoder.dispose();
  });
});

for (const { name, tolerance } of TEST_BACKENDS) {
  describe(`AmdimEncoder on ${name}`, () => {
    beforeAll(() => useBackend(name));

    const cases = [
      { inputSize: 32 as const, trunk: 4 },
      { inputSize: 64 as const, trunk: 8 },
      { inputSize: 128 as const, trunk: 8 },
    ];
    for (const { inputSize, trunk } of cases) {
      it(`yields f1 [B,1,1,n_rkhs], f5 [B,5,5,${trunk}ndf], f7 [B,7,7,${trunk}ndf] for ${inputSize}x${inputSize}`, () => {
        const encoder = new AmdimEncoder({ inputSize, ndf: 2, nRkhs: 12, depth: 2, inChannels: 3 }, new Rng(1));
        const x = seededUniform([2, inputSize, inputSize, 3], 2);
        const features = encoder.apply(x, { training: true });
        expect(Object.keys(features).sort()).toEqual(['f1', 'f5', 'f7']);
        expect(features.f1!.shape).toEqual([2, 1, 1, 12]);
        expect(features.f5!.shape).toEqual([2, 5, 5, trunk * 2]);
        expect(features.f7!.shape).toEqual([2, 7, 7, trunk * 2]);
        expect(encoder.featureShapes([inputSize, inputSize, 3])).toEqual({
          f1: [1, 1, 12],
          f5: [5, 5, trunk * 2],
          f7: [7, 7, trunk * 2],
        });
        tf.dispose([x, features]);
        encoder.dispose();
      });
    }

    it('takes 1-channel 32x32 inputs (zero-padded Fashion-MNIST)', () => {
      const encoder = new AmdimEncoder({ ndf: 2, nRkhs: 8, inChannels: 1 }, new Rng(1));
      const x = tf.pad(seededUniform([1, 28, 28, 1], 3), [[0, 0], [2, 2], [2, 2], [0, 0]]);
      const features = encoder.apply(x, { training: false });
      expect(features.f1!.shape).toEqual([1, 1, 1, 8]);
      tf.dispose([x, features]);
      encoder.dispose();
    });

    it('is its shortcut at initialisation: a residual unit averages and zero-pads', () => {
      const unit = new AmdimResidualUnit({ inChannels: 1, outChannels: 2, kernelSize: 2, stride: 2 }, new Rng(4));
      const x = tf.tensor(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]) as tf.Tensor4D;
      const y = unit.apply(x, { training: true });
      // 2x2 means of 0..15 laid out row-major, then one zero channel appended.
      const expected = tf.tensor([2.5, 0, 4.5, 0, 10.5, 0, 12.5, 0], [1, 2, 2, 2]);
      expect(maxAbsDiff(y, expected)).toBeLessThanOrEqual(tolerance);
      tf.dispose([x, y, expected]);
      unit.dispose();
    });

    it('is its shortcut at initialisation: f5 is the 3x3 average of f7', () => {
      const encoder = new AmdimEncoder({ ndf: 2, nRkhs: 8, depth: 1 }, new Rng(5));
      const x = seededUniform([2, 32, 32, 3], 6);
      const { f5, f7 } = encoder.apply(x, { training: true });
      const pooled = tf.avgPool(f7 as tf.Tensor4D, 3, 1, 'valid');
      expect(maxAbsDiff(f5!, pooled)).toBeLessThanOrEqual(tolerance);
      tf.dispose([x, f5!, f7!, pooled]);
      encoder.dispose();
    });

    it('has no ReLU after the residual sum: branch + shortcut, negative values included', () => {
      const unit = new AmdimResidualUnit({ inChannels: 3, outChannels: 4, kernelSize: 3, stride: 1 }, new Rng(7));
      unit.conv2.kernel.assign(seededNormal([1, 1, 4, 4], 8) as tf.Tensor4D);
      const x = seededUniform([2, 6, 6, 3], 9) as tf.Tensor4D; // non-negative, as after the stem's ReLU
      const y = unit.apply(x, { training: true });
      const expected = tf.tidy(() => {
        const branch = tf.conv2d(tf.relu(tf.conv2d(x, unit.conv1.kernel as tf.Tensor4D, 1, 'valid')), unit.conv2.kernel as tf.Tensor4D, 1, 'valid');
        const shortcut = tf.pad(tf.avgPool(x, 3, 1, 'valid'), [[0, 0], [0, 0], [0, 0], [0, 1]]);
        return tf.add(branch, shortcut);
      });
      expect(maxAbsDiff(y, expected)).toBeLessThanOrEqual(10 * tolerance);
      expect(tf.min(y).dataSync()[0]).toBeLessThan(0);
      tf.dispose([x, y, expected]);
      unit.dispose();
    });

    it('narrows with a k x k conv shortcut (with bias) when n_rkhs is below the trunk width', () => {
      const unit = new AmdimResidualUnit({ inChannels: 8, outChannels: 4, kernelSize: 3, stride: 1 }, new Rng(10));
      expect([...unit.namedVariables().keys()]).toEqual(['conv1/kernel', 'conv2/kernel', 'shortcut/kernel', 'shortcut/bias']);
      const x = seededUniform([1, 5, 5, 8], 11) as tf.Tensor4D;
      const y = unit.apply(x, { training: false });
      const viaShortcut = unit.shortcutConv!.apply(x); // conv2 is zero at init
      expect(y.shape).toEqual([1, 3, 3, 4]);
      expect(maxAbsDiff(y, viaShortcut)).toBeLessThanOrEqual(tolerance);
      tf.dispose([x, y, viaShortcut]);
      unit.dispose();
    });

    it('leaks no tensors in a training or inference forward pass', async () => {
      const encoder = new AmdimEncoder({ ndf: 2, nRkhs: 8, depth: 2, useBatchNorm: true }, new Rng(12));
      const x = seededUniform([2, 32, 32, 3], 13);
      const forward = (training: boolean) => () => tf.dispose(encoder.apply(x, { training }));
      await expectNoLeakedTensors(forward(true), { repeats: 2, label: 'AMDIM training forward' });
      await expectNoLeakedTensors(forward(false), { repeats: 2, label: 'AMDIM inference forward' });
      x.dispose();
      encoder.dispose();
    });
  });
}
