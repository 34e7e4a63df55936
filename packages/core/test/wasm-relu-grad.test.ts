import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectNoLeakedTensors, registerReluGradient, Rng, setSimdKernelsEnabled, useBackend } from '@infomax/core';
import { stockReluGradient } from '../src/backends/wasm-kernels/relu-gradient';
import { random, type HostTensor } from './wasm-test-utils';

const OURS = Symbol.for('@infomax/core/relu-gradient');
const DENORMAL = 1e-45; // the smallest positive float32 (a denormal)
const X_SPECIALS = [0, -0, -1.5, 2.5, Number.NaN, DENORMAL];
const DY_SPECIALS = [1, -2, Infinity, -Infinity, Number.NaN, 0];

/** Every x special against every dy special: 36 values, so 9 full SIMD vectors. */
const GRID_X = Float32Array.from(X_SPECIALS.flatMap((x) => DY_SPECIALS.map(() => x)));
const GRID_DY = Float32Array.from(X_SPECIALS.flatMap(() => DY_SPECIALS));

/** The Relu gradient of x with upstream gradient dy, on the active backend. */
function reluGradient(x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return tf.grad((y: tf.Tensor) => tf.relu(y))(x, dy);
}

/** tfjs' own formula, run directly (no gradient machinery involved). */
function stockFormula(x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return tf.mul(dy, tf.cast(tf.step(x), 'float32'));
}

/** Same values, NaN where NaN, -0 where -0: Object.is element by element. */
function expectSameValues(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const mismatches = Array.from(expected).flatMap((e, i) => (Object.is(actual[i], e) ? [] : [`${i}: ${actual[i]} != ${e}`]));
  expect(mismatches).toEqual([]);
}

/** Both ways over host arrays: the grid at once (SIMD lanes) and in threes (the scalar tail). */
function onGrid(fn: (x: tf.Tensor, dy: tf.Tensor) => tf.Tensor): Float32Array {
  const run = (x: Float32Array, dy: Float32Array) =>
    tf.tidy(() => Float32Array.from(fn(tf.tensor1d(x), tf.tensor1d(dy)).dataSync()));
  const whole = run(GRID_X, GRID_DY);
  const inThrees = new Float32Array(GRID_X.length);
  for (let i = 0; i < GRID_X.length; i += 3) inThrees.set(run(GRID_X.subarray(i, i + 3), GRID_DY.subarray(i, i + 3)), i);
  expectSameValues(inThrees, whole);
  return whole;
}

/**
 * The Relu gradient on `backend` with dy given (the cpu backend's broadcast of a summed loss's
 * gradient is slow), read outside tf.tidy (which would walk a returned typed array element by
 * element: seconds for millions of values).
 */
async function gradientOn(backend: 'cpu' | 'wasm', x: HostTensor, dy: HostTensor): Promise<Float32Array> {
  await useBackend(backend);
  const grad = tf.tidy(() => reluGradient(tf.tensor(x.values, x.shape), tf.tensor(dy.values, dy.shape)));
  const values = Float32Array.from(grad.dataSync());
  grad.dispose();
  return values;
}

async function gradientKernels(): Promise<string[]> {
  const x = tf.tensor1d([-1, 0, 1, 2, 3]);
  const dy = tf.tensor1d([1, 2, 3, 4, 5]);
  const profile = await tf.profile(() => reluGradient(x, dy));
  tf.dispose([x, dy, profile.result as tf.Tensor]);
  return profile.kernels.map((k) => k.name);
}

describe('Relu gradient: one InfomaxReluGrad kernel', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => setSimdKernelsEnabled(true));

  it('takes one kernel on wasm instead of Step, Cast and Multiply', async () => {
    await useBackend('wasm');
    // Identity: tf.grad's copy of the result.
    expect(await gradientKernels()).toEqual(['Identity', 'Relu', 'InfomaxReluGrad']);
    setSimdKernelsEnabled(false);
    expect(await gradientKernels()).toEqual(['Identity', 'Relu', 'Step', 'Cast', 'Multiply']);
    setSimdKernelsEnabled(true);
  });

  it('gives the bits of mul(dy, step(x)) for zeros, NaN, infinities and denormals (wasm, cpu)', async () => {
    for (const backend of ['wasm', 'cpu'] as const) {
      await useBackend(backend);
      const fused = onGrid(reluGradient);
      expectSameValues(fused, onGrid(stockFormula));
      // Hand-checked, so that the comparison cannot pass with both sides wrong.
      const index = (list: number[], v: number) => list.findIndex((u) => Object.is(u, v));
      const at = (x: number, dy: number) => fused[index(X_SPECIALS, x) * DY_SPECIALS.length + index(DY_SPECIALS, dy)];
      expect([at(2.5, -2), at(2.5, Infinity), at(2.5, Number.NaN), at(DENORMAL, -2)]).toEqual([-2, Infinity, Number.NaN, -2]);
      expect([at(0, 1), at(-0, -2), at(-1.5, -2), at(-1.5, 0)].map((v) => Object.is(v, -0))).toEqual([false, true, true, false]);
      expect([at(0, Infinity), at(-0, -Infinity), at(-1.5, Number.NaN), at(Number.NaN, 0), at(Number.NaN, 1)]).toEqual(
        new Array(5).fill(Number.NaN),
      );
    }
    await useBackend('wasm');
  });

  const rng = new Rng('relu-grad');
  const shapes = [[1], [3], [4], [7], [1000], [64, 30, 30, 32]];
  for (const shape of shapes) {
    it(`matches the cpu backend exactly, ${shape.join('x')}`, async () => {
      const [x, dy] = [random(rng, shape), random(rng, shape)];
      const reference = await gradientOn('cpu', x, dy);
      const actual = await gradientOn('wasm', x, dy);
      if (actual.length >= 7) expect(actual.some((v) => v === 0) && actual.some((v) => v !== 0)).toBe(true);
      // A loop, not toEqual: vitest's deep equality takes seconds over millions of elements.
      const [a, r] = [new Uint32Array(actual.buffer), new Uint32Array(reference.buffer)];
      expect(a.length).toBe(r.length);
      let differing = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== r[i]) differing++;
      expect(differing).toBe(0);
    });
  }

  it("falls back to tfjs' ops with infomax's SIMD kernels off, with the same values", async () => {
    await useBackend('wasm');
    const fused = onGrid(reluGradient);
    setSimdKernelsEnabled(false);
    try {
      expectSameValues(onGrid(reluGradient), fused);
    } finally {
      setSimdKernelsEnabled(true);
    }
  });

  it('has a gradient itself (second order), as the stock formula does', async () => {
    await useBackend('wasm');
    const x = tf.tensor1d([-2, -0, 0, 0.5, 3]);
    const w = tf.tensor1d([1, 2, 3, 4, 5]);
    // d/dw sum(d/dy sum(relu(y) * w)) = step(x)
    const secondOrder = () => tf.grad((v: tf.Tensor) => tf.sum(tf.grad((y: tf.Tensor) => tf.sum(tf.mul(tf.relu(y), v)))(x)))(w);
    const profile = await tf.profile(secondOrder);
    expect(profile.kernels.map((k) => k.name)).toContain('InfomaxReluGrad');
    expect(Array.from((profile.result as tf.Tensor).dataSync())).toEqual([0, 0, 0, 1, 1]);
    tf.dispose([x, w, profile.result as tf.Tensor]);
  });

  it('leaks nothing, fused or not', async () => {
    await useBackend('wasm');
    const x = tf.randomNormal([2, 5, 5, 3]);
    const dy = tf.randomNormal([2, 5, 5, 3]);
    const step = () => tf.dispose(reluGradient(x, dy));
    await expectNoLeakedTensors(step, { label: 'fused relu gradient' });
    setSimdKernelsEnabled(false);
    await expectNoLeakedTensors(step, { label: 'stock relu gradient' });
    setSimdKernelsEnabled(true);
    tf.dispose([x, dy]);
  });

  it('wraps tfjs gradient once, even from a second copy of the module', async () => {
    registerReluGradient();
    registerReluGradient();
    const config = tf.getGradient('Relu') as tf.GradConfig & { [OURS]?: tf.GradConfig & { [OURS]?: unknown } };
    const stock = config[OURS];
    expect(stock).toBeDefined();
    expect(stock![OURS]).toBeUndefined();
    expect(stockReluGradient()).toBe(stock);
    // `@infomax/core/node` bundles its own copy: a fresh module instance stands in for it.
    vi.resetModules();
    const copy = await import('../src/backends/wasm-kernels/relu-gradient');
    expect(copy.registerReluGradient).not.toBe(registerReluGradient);
    copy.registerReluGradient();
    expect(tf.getGradient('Relu')).toBe(config);
  });
});
