import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, setSimdKernelsEnabled, useBackend } from '@infomax/core';
import { wasmTrainingKernelStatus } from '../src/backends/wasm-kernels/register-wasm-training-kernels';
import { expectWasmMatchesCpu, random } from './wasm-test-utils';

type Shape4 = [number, number, number, number];

const CASES: { name: string; x: Shape4; k: number | [number, number]; s: number | [number, number]; pad: 'valid' | 'same' }[] = [
  { name: '4x4 stride 2 (AMDIM block shortcut)', x: [2, 14, 14, 3], k: 4, s: 2, pad: 'valid' },
  { name: '2x2 stride 2', x: [2, 8, 8, 4], k: 2, s: 2, pad: 'valid' },
  { name: '3x3 stride 1', x: [2, 7, 7, 5], k: 3, s: 1, pad: 'valid' },
  { name: '3x3 stride 2, odd size (rows left over)', x: [1, 9, 8, 2], k: 3, s: 2, pad: 'valid' },
  { name: 'non-square window and strides', x: [2, 9, 10, 3], k: [3, 2], s: [2, 3], pad: 'valid' },
  { name: "'same' padding (stock kernel)", x: [2, 7, 7, 3], k: 3, s: 2, pad: 'same' },
];

describe('wasm AvgPoolGrad', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('is the infomax kernel on wasm', () => {
    expect(wasmTrainingKernelStatus()).toMatchObject({ AvgPoolGrad: 'infomax' });
  });

  // With SIMD kernels: the gather (each dx pixel written once); without: the depthwise-conv form.
  for (const simd of [true, false]) {
    describe(`matches the cpu backend (${simd ? 'SIMD gather' : 'depthwise convolution'})`, () => {
      afterAll(() => setSimdKernelsEnabled(true));
      const rng = new Rng('avg-pool');
      for (const c of CASES) {
        it(c.name, async () => {
          const out = tf.backend_util.computePool2DInfo(c.x, c.k, c.s, 1, c.pad).outShape;
          const inputs = [random(rng, c.x), random(rng, out)];
          setSimdKernelsEnabled(simd);
          await expectWasmMatchesCpu(inputs, (x, w) =>
            tf.grad((y: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(y as tf.Tensor4D, c.k, c.s, c.pad), w!)))(x!),
          );
        });
      }
    });
  }

  it('spreads each output evenly over its window (hand-checked)', async () => {
    await useBackend('wasm');
    const x = tf.zeros([1, 4, 4, 1]);
    const g = tf.grad((y: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(y as tf.Tensor4D, 2, 2, 'valid'), tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]))))(x);
    expect(Array.from(g.dataSync())).toEqual([0.25, 0.25, 0.5, 0.5, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1, 1, 0.75, 0.75, 1, 1]);
    tf.dispose([x, g]);
  });

  it('frees its intermediates', async () => {
    await useBackend('wasm');
    const backend = tf.backend();
    const x = tf.randomNormal([2, 10, 10, 3]);
    const step = () => tf.dispose(tf.grad((y: tf.Tensor) => tf.sum(tf.avgPool(y as tf.Tensor4D, 4, 2, 'valid')))(x));
    step();
    const before = backend.numDataIds();
    step();
    expect(backend.numDataIds()).toBe(before);
    await expectNoLeakedTensors(step, { label: 'wasm avgPool gradient' });
    x.dispose();
  });
});
