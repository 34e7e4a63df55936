import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm, expectNoLeakedTensors, Rng, setSimdKernelsEnabled, useBackend } from '@infomax/core';
import {
  BATCH_NORM_APPLY_KERNEL,
  BATCH_NORM_GRAD_KERNEL,
  BATCH_NORM_STATISTICS_KERNEL,
  batchNormPassesAvailable,
} from '../src/backends/wasm-kernels/batch-norm-passes';
import { SUM_BLOCK_ROWS } from '../src/backends/wasm-simd/batch-norm-kernel';
import { expectClose, random } from './wasm-test-utils';

// Batch norm on wasm's SIMD passes against the composed form (the same backend with the SIMD
// kernels off), the cpu backend, and a float64 reference of the statistics.

const CASES: { name: string; shape: number[]; groups: number; affine: boolean }[] = [
  { name: 'NHWC map, 8 channels', shape: [4, 3, 5, 8], groups: 1, affine: true },
  { name: 'dense [N, C], 12 channels', shape: [16, 12], groups: 1, affine: true },
  { name: 'AMDIM f1: a 1x1 map of 256 channels, 2 views', shape: [8, 1, 1, 256], groups: 2, affine: true },
  { name: 'AMDIM head: 2 views of 5x5 maps, rows past one sum block', shape: [6, 5, 5, 16], groups: 2, affine: true },
  { name: '3 groups, 4 channels (one vector)', shape: [9, 7, 4], groups: 3, affine: true },
  { name: 'no affine parameters', shape: [6, 4, 8], groups: 2, affine: false },
  { name: 'one row per group', shape: [2, 4], groups: 2, affine: true },
];

/** y, dx, [dgamma, dbeta], moving mean and variance of one step, with momentum 0.3. */
function step(shape: number[], groups: number, affine: boolean, seed: string): Float32Array[] {
  const rng = new Rng(seed);
  const channels = shape[shape.length - 1]!;
  const bn = new BatchNorm({ channels, affine, momentum: 0.3 });
  if (bn.gamma) bn.gamma.assign(tf.tensor1d(random(rng.fork('gamma'), [channels]).values as Float32Array));
  if (bn.beta) bn.beta.assign(tf.tensor1d(random(rng.fork('beta'), [channels]).values as Float32Array));
  // An offset and a scale per channel, so that the mean and variance matter.
  const x = tf.tidy(() => tf.add(tf.mul(tf.tensor(random(rng.fork('x'), shape).values, shape), 3), 2));
  const w = tf.tensor(random(rng.fork('w'), shape).values, shape);
  const params = [bn.gamma, bn.beta].filter((p): p is tf.Variable => p !== null);
  const out = tf.tidy(() => {
    const loss = (input: tf.Tensor) => tf.sum(tf.mul(bn.apply(input, { training: true, statisticsGroups: groups }), w)) as tf.Scalar;
    const y = bn.apply(x, { training: true, statisticsGroups: groups });
    const dx = tf.grad(loss)(x);
    const dParams = params.length ? tf.variableGrads(() => loss(x), params).grads : {};
    return [y, dx, ...params.map((p) => dParams[p.name]!)].map((t) => Float32Array.from(t.dataSync()));
  });
  out.push(Float32Array.from(bn.movingMean.dataSync()), Float32Array.from(bn.movingVariance.dataSync()));
  tf.dispose([x, w]);
  bn.dispose();
  return out;
}

/** Kernel names of one training step's forward and backward. */
async function kernelNames(shape: number[], groups: number): Promise<string[]> {
  const bn = new BatchNorm({ channels: shape[shape.length - 1]! });
  const x = tf.randomNormal(shape);
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(bn.apply(x, { training: true, statisticsGroups: groups })) as tf.Scalar, [bn.gamma!, bn.beta!]);
    return [value, ...Object.values(grads)];
  });
  tf.dispose(x);
  bn.dispose();
  return info.kernels.map((k) => k.name);
}

describe('batch norm on the wasm SIMD passes', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  afterEach(() => setSimdKernelsEnabled(true));

  for (const c of CASES) {
    it(`matches the composed form and the cpu backend: ${c.name}`, async () => {
      await useBackend('wasm');
      expect(batchNormPassesAvailable(tf.zeros(c.shape))).toBe(true);
      const fused = step(c.shape, c.groups, c.affine, c.name);
      setSimdKernelsEnabled(false);
      expect(batchNormPassesAvailable(tf.zeros(c.shape))).toBe(false);
      const composed = step(c.shape, c.groups, c.affine, c.name);
      setSimdKernelsEnabled(true);
      await useBackend('cpu');
      const cpu = step(c.shape, c.groups, c.affine, c.name);
      await useBackend('wasm');
      expect(fused).toHaveLength(c.affine ? 6 : 4);
      expectClose(composed, fused, 2e-5);
      expectClose(cpu, fused, 2e-5);
    });
  }

  it('takes exact statistics of many rows far from zero (blocked sums)', async () => {
    await useBackend('wasm');
    // 28 800 rows per channel, AMDIM's first batch norm; values around 1000 with spread 1.
    const rows = 28_800;
    const channels = 4;
    const rng = new Rng('bn-many-rows');
    const values = rng.normalArray(rows * channels).map((v, i) => 1000 + (i % channels) + v);
    const [mean, variance] = tf.tidy(() => {
      const x = tf.tensor2d(values, [rows, channels]);
      return (tf.engine().runKernel(BATCH_NORM_STATISTICS_KERNEL, { x }, { groups: 1 }) as unknown as tf.Tensor[]).map((t) =>
        Float32Array.from(t.dataSync()),
      );
    });
    for (let ch = 0; ch < channels; ch++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += values[r * channels + ch]!;
      const m = sum / rows;
      let squares = 0;
      for (let r = 0; r < rows; r++) squares += (values[r * channels + ch]! - m) ** 2;
      expect(Math.abs(mean![ch]! - m) / m).toBeLessThan(1e-6);
      expect(Math.abs(variance![ch]! - squares / rows) / (squares / rows)).toBeLessThan(1e-3);
    }
    expect(rows).toBeGreaterThan(100 * SUM_BLOCK_ROWS);
  });

  it('runs the three passes instead of the composed kernels', async () => {
    await useBackend('wasm');
    const names = await kernelNames([4, 3, 3, 8], 2);
    for (const name of [BATCH_NORM_STATISTICS_KERNEL, BATCH_NORM_APPLY_KERNEL, BATCH_NORM_GRAD_KERNEL]) expect(names).toContain(name);
    expect(names).not.toContain('Square');
    expect(names.filter((n) => n === 'BatchMatMul')).toHaveLength(0);
  });

  it('keeps the composed form where channels are not a multiple of 4', async () => {
    await useBackend('wasm');
    expect(batchNormPassesAvailable(tf.zeros([4, 6]))).toBe(false);
    const names = await kernelNames([4, 6], 1);
    expect(names).not.toContain(BATCH_NORM_STATISTICS_KERNEL);
    expect(names).toContain('Square');
  });

  it('names the problem when a kernel gets channels it cannot run', async () => {
    await useBackend('wasm');
    const x = tf.zeros([4, 6]);
    expect(() => tf.engine().runKernel(BATCH_NORM_STATISTICS_KERNEL, { x }, { groups: 1 })).toThrow(
      'InfomaxBatchNormStatistics: needs float32 [..., C] with C a multiple of 4 in equal groups, got float32 [4, 6] in 1 groups; use the composed batch norm',
    );
    x.dispose();
  });

  it('leaks nothing over repeated training steps', async () => {
    await useBackend('wasm');
    const bn = new BatchNorm({ channels: 8 });
    const x = tf.randomNormal([6, 3, 3, 8]);
    await expectNoLeakedTensors(
      () => {
        const { value, grads } = tf.variableGrads(
          () => tf.sum(tf.square(bn.apply(x, { training: true, statisticsGroups: 2 }))) as tf.Scalar,
          [bn.gamma!, bn.beta!],
        );
        tf.dispose([value, ...Object.values(grads)]);
      },
      { label: 'fused BatchNorm training step' },
    );
    x.dispose();
    bn.dispose();
  });
});
