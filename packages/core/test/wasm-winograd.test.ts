import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Rng, setWasmGemmThreads, setWasmWinogradConvolutions, useBackend, wasmWinogradConvolutions } from '@infomax/core';
import { initNodeBackend, nodeHelperLauncher, winogradWanted } from '@infomax/core/node';
import { winogradApplies } from '../src/backends/wasm-kernels/winograd-conv';
import { simdKernelsFor, type SimdKernels } from '../src/backends/wasm-simd/simd-kernels';
import { registerHelperLauncher } from '../src/backends/wasm-threads/helper-launcher';
import { expectClose, on, random } from './wasm-test-utils';

type Shape4 = [number, number, number, number];

/** The suite's second pass registers oneDNN's convolutions on wasm (vitest.setup.ts). */
const ONEDNN = process.env['INFOMAX_TEST_KERNELS'] === 'onednn';

/** Thresholds that send every product and every transform here to the helper threads. */
const EVERYTHING = { minMacs: 1, wakeMinMacs: 1, macsPerByte: 0, mapMinBytes: 0, mapWakeBytes: 0 };

function info(x: Shape4, f: Shape4, stride: number, pad: 'valid' | 'same'): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(x, f, stride, 1, pad, undefined, false, 'channelsLast');
}

describe('Winograd F(2x2, 2x2) form of 4x4 stride-2 convolutions (wasm)', () => {
  let kernels: SimdKernels;
  beforeAll(async () => {
    await useBackend('wasm');
    registerHelperLauncher(nodeHelperLauncher);
    const k = simdKernelsFor(tf.backend());
    if (!k) throw new Error('these tests need the SIMD kernels');
    kernels = k;
  });
  afterAll(() => {
    setWasmGemmThreads(1);
    setWasmWinogradConvolutions(true);
  });

  it('applies to unpadded 4x4 stride-2 convolutions with whole 2x2 output tiles and channels in fours only', () => {
    expect(winogradApplies(info([2, 30, 30, 32], [4, 4, 32, 64], 2, 'valid'))).toBe(true);
    // 31 rows: the last one is read by no output; still whole tiles.
    expect(winogradApplies(info([1, 31, 30, 8], [4, 4, 8, 12], 2, 'valid'))).toBe(true);
    expect(winogradApplies(info([1, 32, 30, 8], [4, 4, 8, 12], 2, 'valid'))).toBe(false); // 15 output rows
    expect(winogradApplies(info([1, 30, 30, 8], [4, 4, 8, 12], 2, 'same'))).toBe(false);
    expect(winogradApplies(info([1, 30, 30, 6], [4, 4, 6, 12], 2, 'valid'))).toBe(false);
    expect(winogradApplies(info([1, 30, 30, 8], [4, 4, 8, 10], 2, 'valid'))).toBe(false);
    expect(winogradApplies(info([1, 30, 30, 8], [3, 3, 8, 12], 2, 'valid'))).toBe(false);
    expect(winogradApplies(info([1, 30, 30, 8], [4, 4, 8, 12], 1, 'valid'))).toBe(false);
  });

  const cases: { name: string; x: Shape4; f: Shape4 }[] = [
    { name: "AMDIM's block, batch 2", x: [2, 30, 30, 32], f: [4, 4, 32, 64] },
    { name: 'one tile, 4 channels', x: [1, 6, 6, 4], f: [4, 4, 4, 4] },
    { name: 'odd input (unread last row and column), 8 -> 12', x: [3, 11, 15, 8], f: [4, 4, 8, 12] },
  ];
  for (const c of cases) {
    it(`matches the cpu backend (y, dx, dw) on 1 and 2 threads: ${c.name}`, async () => {
      const rng = new Rng(c.name);
      const out = info(c.x, c.f, 2, 'valid').outShape;
      const inputs = [random(rng, c.x), random(rng, c.f), random(rng, out)];
      // y, and the gradients of sum(y * r) with respect to x and the filter.
      const fn = (x: tf.Tensor, f: tf.Tensor, r: tf.Tensor) => {
        const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'valid');
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), r)))([x, f]);
        return [conv(x, f), dx!, dw!];
      };
      const reference = await on('cpu', inputs, fn);
      await useBackend('wasm');
      const spies = (['winogradInput', 'winogradOutput', 'winogradOutputGrad', 'winogradInputGrad'] as const).map((op) => vi.spyOn(kernels, op));
      try {
        for (const threads of [1, 2]) {
          setWasmGemmThreads(threads, threads === 1 ? {} : EVERYTHING);
          expectClose(reference, await on('wasm', inputs, fn), 2e-6);
        }
        // On 1 thread the transforms ran here: all four, so the Winograd form computed all three
        // (not in the oneDNN pass of the suite: oneDNN's kernels take these convolutions).
        if (!ONEDNN) for (const spy of spies) expect(spy).toHaveBeenCalled();
      } finally {
        for (const spy of spies) spy.mockRestore();
        setWasmGemmThreads(1);
      }
    });
  }

  it('is off with setWasmWinogradConvolutions(false): the same values by the other forms', async () => {
    const rng = new Rng('off');
    const inputs = [random(rng, [2, 10, 10, 8]), random(rng, [4, 4, 8, 8])];
    const fn = (x: tf.Tensor, f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'valid');
    const winograd = await on('wasm', inputs, fn);
    const spy = vi.spyOn(kernels, 'winogradInput');
    setWasmWinogradConvolutions(false);
    try {
      expect(wasmWinogradConvolutions()).toBe(false);
      expectClose(winograd, await on('wasm', inputs, fn), 2e-6);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      setWasmWinogradConvolutions(true);
      spy.mockRestore();
    }
  });

  it('follows INFOMAX_WASM_WINOGRAD: on unless it says 0 or false, applied by initNodeBackend', async () => {
    expect(winogradWanted({})).toBe(true);
    expect(winogradWanted({ INFOMAX_WASM_WINOGRAD: '1' })).toBe(true);
    expect(winogradWanted({ INFOMAX_WASM_WINOGRAD: '0' })).toBe(false);
    expect(winogradWanted({ INFOMAX_WASM_WINOGRAD: ' False ' })).toBe(false);
    try {
      await initNodeBackend({ backend: 'wasm', wasmThreads: 1, env: { INFOMAX_WASM_WINOGRAD: '0' } });
      expect(wasmWinogradConvolutions()).toBe(false);
      await initNodeBackend({ backend: 'wasm', wasmThreads: 1, env: {} });
      expect(wasmWinogradConvolutions()).toBe(true);
    } finally {
      setWasmWinogradConvolutions(true);
    }
  });

  it('leaks no tensors over repeated training-style calls', async () => {
    await useBackend('wasm');
    const rng = new Rng('leaks');
    const x = tf.tensor(random(rng, [2, 14, 14, 8]).values, [2, 14, 14, 8]);
    const f = tf.variable(tf.tensor(random(rng, [4, 4, 8, 8]).values, [4, 4, 8, 8]));
    const step = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, f as unknown as tf.Tensor4D, 2, 'valid'))), [f]);
        f.assign(tf.sub(f, tf.mul(grads[f.name]!, 1e-3)));
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    f.dispose();
  });
});
