import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, ShapeError, TEST_BACKENDS, useBackend } from '@infomax/core';
import { Conv1d, CpcPatchEncoder, CpcStridedEncoder1d } from '@infomax/encoders';
import { maxAbsDiff, seededNormal, seededUniform } from './helpers';

describe('CpcStridedEncoder1d construction', () => {
  it('down-samples by 160 and has 329,600 parameters at 128 channels (cpc-bench encoder)', () => {
    const encoder = new CpcStridedEncoder1d({ channels: 128 }, new Rng(0));
    expect(encoder.downsampling).toBe(160);
    expect(encoder.frameCount(20480)).toBe(128);
    expect(encoder.featureShapes([20480, 1])).toEqual({ frames: [128, 128] });
    expect(encoder.countParameters()).toBe(1_408 + 131_200 + 3 * 65_664);
    encoder.dispose();
  });

  it('rejects sequences too short for one frame and wrong channel counts', () => {
    const encoder = new CpcStridedEncoder1d({ channels: 4 }, new Rng(0));
    expect(() => encoder.featureShapes([100, 1])).toThrow(/at least 160 samples/);
    expect(() => encoder.featureShapes([20480, 2])).toThrow(/example shape \[T, 1\], got \[20480, 2\]/);
    const x = tf.zeros([1, 20480]);
    expect(() => encoder.apply(x, { training: false })).toThrow(ShapeError);
    x.dispose();
    encoder.dispose();
  });
});

for (const { name, tolerance } of TEST_BACKENDS) {
  describe(`CPC encoders on ${name}`, () => {
    beforeAll(() => useBackend(name));

    it('Conv1d matches a hand-computed strided, padded convolution', () => {
      const conv = new Conv1d({ inChannels: 1, filters: 1, kernelSize: 3, strides: 2, padding: 1 }, new Rng(0));
      conv.kernel.assign(tf.tensor3d([1, 2, 3], [3, 1, 1]));
      conv.bias!.assign(tf.tensor1d([0.5]));
      const x = tf.tensor3d([1, 2, 3, 4, 5], [1, 5, 1]);
      const y = conv.apply(x);
      // padded [0 1 2 3 4 5 0]; windows at 0, 2, 4: [0 1 2] [2 3 4] [4 5 0].
      const expected = tf.tensor3d([8.5, 20.5, 14.5], [1, 3, 1]);
      expect(maxAbsDiff(y, expected)).toBeLessThanOrEqual(tolerance);
      tf.dispose([x, y, expected]);
      conv.dispose();
    });

    it('turns 20480 samples into 128 frames', () => {
      const encoder = new CpcStridedEncoder1d({ channels: 8 }, new Rng(1));
      const x = seededNormal([1, 20480, 1], 2);
      const { frames } = encoder.apply(x, { training: true });
      expect(frames!.shape).toEqual([1, 128, 8]);
      expect(tf.min(frames!).dataSync()[0]).toBeGreaterThanOrEqual(0); // ReLU output
      tf.dispose([x, frames!]);
      encoder.dispose();
    });

    it('encodes a patch grid [B, gh, gw, ph, pw, C] to [B, gh, gw, D]', () => {
      const encoder = new CpcPatchEncoder({ inChannels: 1, widths: [4, 8] }, new Rng(3));
      const x = seededUniform([2, 3, 3, 8, 8, 1], 4);
      const { grid } = encoder.apply(x, { training: true });
      expect(grid!.shape).toEqual([2, 3, 3, 8]);
      expect(encoder.featureShapes([3, 3, 8, 8, 1])).toEqual({ grid: [3, 3, 8] });
      tf.dispose([x, grid!]);
      encoder.dispose();
    });

    it('accepts flat patch batches with gridShape, and projects to outputDim', () => {
      const encoder = new CpcPatchEncoder({ inChannels: 3, widths: [4], outputDim: 5, gridShape: [2, 3] }, new Rng(5));
      const x = seededUniform([12, 6, 6, 3], 6);
      const { grid } = encoder.apply(x, { training: false });
      expect(grid!.shape).toEqual([2, 2, 3, 5]);
      expect(encoder.featureShapes([6, 6, 3])).toEqual({ grid: [2, 3, 5] });
      const noGrid = new CpcPatchEncoder({ inChannels: 3, widths: [4] }, new Rng(5));
      expect(() => noGrid.apply(x, { training: false })).toThrow(/needs the gridShape option/);
      tf.dispose([x, grid!]);
      encoder.dispose();
      noGrid.dispose();
    });

    it('with layer norm encodes each patch on its own, even in training', () => {
      const encoder = new CpcPatchEncoder({ inChannels: 1, widths: [4, 4], norm: 'layer' }, new Rng(7));
      const x = seededUniform([1, 2, 3, 6, 6, 1], 8);
      const bump = tf.tidy(() => {
        const mask = tf.buffer([1, 2, 3, 6, 6, 1]);
        for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) mask.set(1, 0, 1, 2, i, j, 0);
        return tf.add(x, mask.toTensor());
      });
      const a = encoder.apply(x, { training: true }).grid!;
      const b = encoder.apply(bump, { training: true }).grid!;
      const changed = tf.tidy(() => tf.greater(tf.max(tf.abs(tf.sub(a, b)), -1), 1e-6).arraySync());
      expect(changed).toEqual([
        [
          [0, 0, 0],
          [0, 0, 1],
        ],
      ]);
      tf.dispose([x, bump, a, b]);
      encoder.dispose();
    });

    it('leaks no tensors', async () => {
      const strided = new CpcStridedEncoder1d({ channels: 4 }, new Rng(9));
      const patch = new CpcPatchEncoder({ inChannels: 1, widths: [4, 4] }, new Rng(9));
      const seq = seededNormal([1, 1600, 1], 10);
      const patches = seededUniform([1, 2, 2, 6, 6, 1], 11);
      await expectNoLeakedTensors(() => tf.dispose(strided.apply(seq, { training: true })), { repeats: 2 });
      await expectNoLeakedTensors(() => tf.dispose(patch.apply(patches, { training: true })), { repeats: 2 });
      tf.dispose([seq, patches]);
      strided.dispose();
      patch.dispose();
    });
  });
}
