import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, useBackend } from '@infomax/core';
import { oneDnnKernelCounts, registerOneDnnKernels, resetOneDnnKernelCounts, unregisterOneDnnKernels } from '../src/index';
import { bothPaths, expectClose, uniform } from './reference';

const CASES: { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [
  { a: [5, 7], b: [7, 3], transposeA: false, transposeB: false },
  { a: [7, 5], b: [7, 3], transposeA: true, transposeB: false },
  { a: [5, 7], b: [3, 7], transposeA: false, transposeB: true },
  { a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
  { a: [4, 6, 9], b: [4, 9, 2], transposeA: false, transposeB: false },
  { a: [4, 9, 6], b: [4, 2, 9], transposeA: true, transposeB: true },
  { a: [1, 6, 9], b: [4, 9, 2], transposeA: false, transposeB: false },
  { a: [4, 6, 9], b: [9, 2], transposeA: false, transposeB: false },
  { a: [2, 3, 6, 9], b: [2, 3, 9, 5], transposeA: false, transposeB: false },
];
// amdim-bench's score products: wasm only (the cpu backend's own matMul takes seconds on them).
const LARGE_CASES: typeof CASES = [
  { a: [64, 256], b: [256, 1568], transposeA: false, transposeB: false },
  { a: [1568, 256], b: [1568, 128], transposeA: true, transposeB: false },
];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`oneDNN matMul on ${backend}`, () => {
    beforeAll(() => useBackend(backend));
    afterAll(() => unregisterOneDnnKernels());

    for (const c of backend === 'wasm' ? [...CASES, ...LARGE_CASES] : CASES) {
      const label = `${c.a.join('x')}${c.transposeA ? 'ᵀ' : ''} · ${c.b.join('x')}${c.transposeB ? 'ᵀ' : ''}`;
      it(`matches the ${backend} kernels and tf.grads: ${label}`, () => {
        resetOneDnnKernelCounts();
        const { reference, native } = bothPaths(() => {
          const a = uniform(c.a, 1);
          const b = uniform(c.b, 2);
          const product = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, c.transposeA, c.transposeB);
          const out = product(a, b);
          // tfjs's BatchMatMul gradient does not reduce broadcast batch axes: forward only there.
          if (c.a.length !== c.b.length || c.a[0] !== c.b[0]) return [out];
          const weights = uniform(out.shape, 3);
          const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => product(x, y).mul(weights).sum())([a, b]);
          return [out, da!, db!];
        });
        expectClose(reference, native, 2e-5, label);
        const counts = oneDnnKernelCounts()['BatchMatMul']!;
        expect(counts.fallback).toEqual({});
        // The forward pass runs twice (once for the output, once under tf.grads), plus two gradients.
        expect(counts.native).toBe(c.a.length !== c.b.length || c.a[0] !== c.b[0] ? 1 : 4);
      });
    }

    for (const activation of ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid'] as const) {
      it(`fuses bias and ${activation} into the product`, () => {
        resetOneDnnKernelCounts();
        const { reference, native } = bothPaths(() => [
          tf.fused.matMul({ a: uniform([6, 5], 4), b: uniform([5, 4], 5), bias: uniform([4], 6), activation, leakyreluAlpha: 0.3 }),
        ]);
        expectClose(reference, native, 2e-5, activation);
        expect(oneDnnKernelCounts()['_FusedMatMul']).toEqual({ native: 1, fallback: {} });
      });
    }

    it('falls back, counted, for general batch broadcasting and prelu', () => {
      resetOneDnnKernelCounts();
      const { reference, native } = bothPaths(() => [
        tf.matMul(uniform([2, 1, 3, 4], 7), uniform([1, 3, 4, 2], 8)),
        tf.fused.matMul({ a: uniform([3, 4], 9), b: uniform([4, 2], 10), activation: 'prelu', preluActivationWeights: uniform([2], 11) }),
        // int32 products exist on cpu only (wasm has no int32 BatchMatMul).
        ...(backend === 'cpu' ? [tf.matMul(tf.tensor2d([[1, 2]], [1, 2], 'int32'), tf.tensor2d([[3], [4]], [2, 1], 'int32')).toFloat()] : []),
      ]);
      expectClose(reference, native, 1e-6, 'fallbacks');
      const counts = oneDnnKernelCounts();
      expect(counts['BatchMatMul']?.fallback).toEqual(
        backend === 'cpu' ? { 'broadcast batch axes': 1, 'non-float32 input': 1 } : { 'broadcast batch axes': 1 },
      );
      expect(counts['_FusedMatMul']?.fallback).toEqual({ 'prelu activation': 1 });
    });

    it('keeps the tensor count flat over repeated training-like steps', async () => {
      const registered = registerOneDnnKernels();
      expect(registered.ok).toBe(true);
      const a = uniform([16, 32], 12);
      const b = uniform([32, 8], 13);
      const x = uniform([4, 8, 8, 3], 14) as tf.Tensor4D;
      const f = uniform([3, 3, 3, 4], 15) as tf.Tensor4D;
      await expectNoLeakedTensors(() =>
        tf.tidy(() => {
          tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.matMul(p, q).sum())([a, b]);
          tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 1, 'same').sum())([x, f]);
        }),
      );
      tf.dispose([a, b, x, f]);
    });
  });
}
