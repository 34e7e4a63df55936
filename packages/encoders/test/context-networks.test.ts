import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, TEST_BACKENDS, useBackend } from '@infomax/core';
import { GruContextNetwork, MaskedConvContextNetwork, RowCausalConv2d } from '@infomax/encoders';
import { maxAbsDiff, seededNormal } from './helpers';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Which rows of a [1, H, W, C] tensor differ between a and b. */
function changedRows(a: tf.Tensor, b: tf.Tensor): boolean[] {
  return tf.tidy(() => Array.from(tf.greater(tf.max(tf.abs(tf.sub(a, b)), [0, 2, 3]), 0).dataSync(), Boolean));
}

/** Which time steps of a [B, T, C] tensor differ between a and b. */
function changedSteps(a: tf.Tensor, b: tf.Tensor): boolean[] {
  return tf.tidy(() => Array.from(tf.greater(tf.max(tf.abs(tf.sub(a, b)), [0, 2]), 0).dataSync(), Boolean));
}

for (const { name, tolerance } of TEST_BACKENDS) {
  describe(`context networks on ${name}`, () => {
    beforeAll(() => useBackend(name));

    it('GRU: two steps match the hand-computed PyTorch-formulation values', () => {
      const gru = new GruContextNetwork({ inputDim: 1, hiddenSize: 1 }, new Rng(0));
      // Gate order r, z, n.
      const wi = [0.5, -0.3, 0.8];
      const wh = [0.2, 0.4, -0.6];
      const bi = [0.1, 0.05, -0.2];
      const bh = [-0.1, 0.3, 0.25];
      gru.cell.inputKernel.assign(tf.tensor2d([wi], [1, 3]));
      gru.cell.recurrentKernel.assign(tf.tensor2d([wh], [1, 3]));
      gru.cell.inputBias.assign(tf.tensor1d(bi));
      gru.cell.recurrentBias.assign(tf.tensor1d(bh));
      const xs = [1.5, -0.7];
      const expected: number[] = [];
      let h = 0;
      for (const x of xs) {
        const r = sigmoid(wi[0]! * x + bi[0]! + wh[0]! * h + bh[0]!);
        const z = sigmoid(wi[1]! * x + bi[1]! + wh[1]! * h + bh[1]!);
        const n = Math.tanh(wi[2]! * x + bi[2]! + r * (wh[2]! * h + bh[2]!));
        h = (1 - z) * n + z * h;
        expected.push(h);
      }
      // First step by hand: r = sigmoid(0.75) = 0.679179, z = sigmoid(-0.1) = 0.475021,
      // n = tanh(1.0 + 0.679179 * 0.25) = tanh(1.169795) = 0.824206, h = 0.524979 * 0.824206.
      expect(expected[0]).toBeCloseTo(0.432691, 5);
      const y = gru.apply(tf.tensor3d(xs, [1, 2, 1]), { training: false });
      expect(y.shape).toEqual([1, 2, 1]);
      const got = Array.from(y.dataSync());
      got.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(10 * tolerance));
      y.dispose();
      gru.dispose();
    });

    it('GRU: contexts [B, T, H]; context t ignores frames after t', () => {
      const gru = new GruContextNetwork({ inputDim: 3, hiddenSize: 5 }, new Rng(1));
      const z = seededNormal([2, 6, 3], 2);
      const later = tf.tidy(() => tf.concat([tf.slice(z, [0, 0, 0], [2, 3, 3]), tf.add(tf.slice(z, [0, 3, 0], [2, 3, 3]), 1)], 1));
      const a = gru.apply(z, { training: true });
      const b = gru.apply(later, { training: true });
      expect(a.shape).toEqual([2, 6, 5]);
      expect(changedSteps(a, b)).toEqual([false, false, false, true, true, true]);
      tf.dispose([z, later, a, b]);
      gru.dispose();
    });

    it('RowCausalConv2d equals a k x k conv whose kernel rows below the centre are masked to zero', () => {
      const conv = new RowCausalConv2d({ inChannels: 2, filters: 3, kernelSize: 5 }, new Rng(3));
      const x = seededNormal([1, 6, 7, 2], 4) as tf.Tensor4D;
      const y = conv.apply(x);
      const masked = tf.tidy(() => {
        const full = tf.concat([conv.kernel, tf.zeros([2, 5, 2, 3])], 0) as tf.Tensor4D; // 5 x 5 kernel
        return tf.add(tf.conv2d(x, full, 1, 'same'), conv.bias!);
      });
      expect(y.shape).toEqual([1, 6, 7, 3]);
      expect(maxAbsDiff(y, masked)).toBeLessThanOrEqual(10 * tolerance);
      tf.dispose([x, y, masked]);
      conv.dispose();
    });

    it('masked conv: output row i depends only on input rows <= i', () => {
      const net = new MaskedConvContextNetwork({ inputDim: 3, channels: 4, blocks: 2, kernelSize: 3 }, new Rng(5));
      const grid = seededNormal([1, 5, 4, 3], 6);
      const base = net.apply(grid, { training: true });
      expect(base.shape).toEqual([1, 5, 4, 4]);
      for (let row = 1; row < 5; row++) {
        const perturbed = tf.tidy(() => {
          const rowMask = tf.buffer([1, 5, 4, 3]);
          for (let j = 0; j < 4; j++) for (let c = 0; c < 3; c++) rowMask.set(1, 0, row, j, c);
          return tf.add(grid, rowMask.toTensor());
        });
        const out = net.apply(perturbed, { training: true });
        const changed = changedRows(base, out);
        // Rows above are untouched; the perturbed row itself does change (the test can fail).
        expect(changed.slice(0, row + 1)).toEqual([...Array(row).fill(false), true]);
        tf.dispose([perturbed, out]);
      }
      tf.dispose([grid, base]);
      net.dispose();
    });

    it('leak no tensors', async () => {
      const gru = new GruContextNetwork({ inputDim: 4, hiddenSize: 4 }, new Rng(7));
      const masked = new MaskedConvContextNetwork({ inputDim: 4, channels: 4 }, new Rng(7));
      const frames = seededNormal([2, 8, 4], 8);
      const grid = seededNormal([2, 3, 3, 4], 9);
      await expectNoLeakedTensors(() => gru.apply(frames, { training: true }).dispose(), { repeats: 2 });
      await expectNoLeakedTensors(() => masked.apply(grid, { training: true }).dispose(), { repeats: 2 });
      tf.dispose([frames, grid]);
      gru.dispose();
      masked.dispose();
    });
  });
}

describe('GruContextNetwork gradients (cpu)', () => {
  it('backpropagates through time to the first frame and to every weight', async () => {
    await useBackend('cpu');
    const gru = new GruContextNetwork({ inputDim: 2, hiddenSize: 3 }, new Rng(11));
    const z = seededNormal([2, 4, 2], 12);
    const lastStep = (frames: tf.Tensor) => tf.tidy(() => tf.sum(tf.slice(gru.apply(frames, { training: true }), [0, 3, 0], [2, 1, 3])) as tf.Scalar);
    const { grads } = tf.variableGrads(() => lastStep(z));
    expect(Object.keys(grads)).toHaveLength(4);
    const dz = tf.grad(lastStep)(z);
    // Finite difference on one entry of the first frame.
    const eps = 1e-2;
    const bump = (s: number) => tf.tidy(() => tf.add(z, tf.mul(tf.oneHot(tf.tensor1d([0], 'int32'), 16).reshape([2, 4, 2]), s)));
    const [zp, zm] = [bump(eps), bump(-eps)];
    const numeric = (lastStep(zp).dataSync()[0]! - lastStep(zm).dataSync()[0]!) / (2 * eps);
    const analytic = dz.dataSync()[0]!;
    expect(Math.abs(analytic)).toBeGreaterThan(1e-4);
    expect(Math.abs(numeric - analytic)).toBeLessThanOrEqual(1e-2 * Math.abs(analytic) + 1e-4);
    tf.dispose([z, dz, zp, zm, ...Object.values(grads)]);
    gru.dispose();
  });
});
