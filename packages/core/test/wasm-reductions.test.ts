import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, useBackend } from '@infomax/core';
import { wasmTrainingKernelStatus } from '../src/backends/wasm-kernels/register-wasm-training-kernels';
import { expectWasmMatchesCpu, random } from './wasm-test-utils';

const CASES: { name: string; shape: number[]; axes: number[]; keepDims?: boolean }[] = [
  { name: 'bias gradient [N, H, W, C] over N, H, W', shape: [4, 5, 3, 7], axes: [0, 1, 2] },
  { name: 'rows of a matrix', shape: [33, 10], axes: [0] },
  { name: 'keepDims', shape: [3, 4, 9], axes: [0, 1], keepDims: true },
  { name: 'long columns (several depth blocks)', shape: [1000, 13], axes: [0] },
  { name: 'one row', shape: [1, 6], axes: [0] },
  { name: 'column-sum pass: AMDIM stem bias gradient, 7200 rows x 32', shape: [8, 30, 30, 32], axes: [0, 1, 2] },
  { name: 'column-sum pass: rows past one block', shape: [1000, 16], axes: [0] },
  { name: 'column-sum pass: keepDims', shape: [3, 4, 8], axes: [0, 1], keepDims: true },
  { name: 'column-sum pass: one row', shape: [1, 12], axes: [0] },
  { name: 'innermost axis (stock kernel)', shape: [5, 6], axes: [1] },
  { name: 'all axes (stock kernel)', shape: [5, 6], axes: [0, 1] },
  { name: 'middle axis (stock kernel)', shape: [3, 4, 5], axes: [1] },
];

describe('wasm Sum and Mean over leading axes', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('are the infomax kernels on wasm', () => {
    expect(wasmTrainingKernelStatus()).toMatchObject({ Sum: 'infomax', Mean: 'infomax' });
  });

  describe('match the cpu backend', () => {
    const rng = new Rng('reductions');
    for (const c of CASES) {
      it(c.name, async () => {
        await expectWasmMatchesCpu([random(rng, c.shape)], (x) => [tf.sum(x!, c.axes, c.keepDims), tf.mean(x!, c.axes, c.keepDims)], 1e-5);
      });
    }
  });

  it('gives hand-computed column sums and means', async () => {
    await useBackend('wasm');
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]);
    expect(tf.sum(x, [0, 1]).arraySync()).toEqual([36, 42]);
    expect(tf.mean(x, [0, 1], true).arraySync()).toEqual([[[6, 7]]]);
    expect(tf.sum(x, 0).arraySync()).toEqual([
      [8, 10],
      [12, 14],
      [16, 18],
    ]);
    x.dispose();
  });

  it('leaves int32 sums to the stock kernel', async () => {
    await useBackend('wasm');
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
    const s = tf.sum(x, 0);
    expect(s.dtype).toBe('int32');
    expect(s.arraySync()).toEqual([4, 6]);
    tf.dispose([x, s]);
  });

  it('frees its intermediates', async () => {
    await useBackend('wasm');
    const backend = tf.backend();
    const x = tf.randomNormal([6, 4, 5]);
    const step = () => tf.tidy(() => void [tf.sum(x, [0, 1]), tf.mean(x, 0, true)]);
    step();
    const before = backend.numDataIds();
    step();
    expect(backend.numDataIds()).toBe(before);
    await expectNoLeakedTensors(step, { label: 'wasm leading-axes reductions' });
    x.dispose();
  });
});
