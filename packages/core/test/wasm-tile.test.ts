import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, useBackend } from '@infomax/core';
import { wasmTrainingKernelStatus } from '../src/backends/wasm-kernels/register-wasm-training-kernels';
import { on, random } from './wasm-test-utils';

const CASES: { name: string; shape: number[]; reps: number[] }[] = [
  { name: 'a column across a row (broadcastTo)', shape: [4, 1], reps: [1, 37] },
  { name: 'rank 1', shape: [3], reps: [5] },
  { name: 'rank 2, both axes', shape: [2, 3], reps: [3, 2] },
  { name: 'rank 2, outer axis only', shape: [2, 3], reps: [4, 1] },
  { name: 'rank 3, middle axis', shape: [2, 1, 3], reps: [1, 5, 1] },
  { name: 'rank 4, every axis', shape: [2, 1, 2, 3], reps: [2, 3, 2, 2] },
  { name: 'rank 5', shape: [1, 2, 1, 2, 2], reps: [2, 1, 3, 1, 2] },
  { name: 'nothing tiled', shape: [3, 2], reps: [1, 1] },
  { name: 'many repeats (doubling copies)', shape: [2, 3], reps: [1, 100] },
];

describe('wasm Tile', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('is the infomax kernel on wasm', () => {
    expect(wasmTrainingKernelStatus()).toMatchObject({ Tile: 'infomax' });
  });

  describe('equals the cpu backend', () => {
    const rng = new Rng('tile');
    for (const c of CASES) {
      it(c.name, async () => {
        const fn = (x: tf.Tensor) => [tf.tile(x, c.reps), tf.tile(tf.cast(tf.greater(x, 0), 'int32'), c.reps), tf.tile(tf.greater(x, 0), c.reps)];
        const inputs = [random(rng, c.shape)];
        const cpu = await on('cpu', inputs, fn);
        const wasm = await on('wasm', inputs, fn);
        expect(wasm.map((a) => Array.from(a))).toEqual(cpu.map((a) => Array.from(a)));
      });
    }
  });

  it('matches hand-written values', async () => {
    await useBackend('wasm');
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    expect(tf.tile(x, [2, 2]).arraySync()).toEqual([
      [1, 2, 1, 2],
      [3, 4, 3, 4],
      [1, 2, 1, 2],
      [3, 4, 3, 4],
    ]);
    expect(tf.broadcastTo(tf.tensor2d([[5], [6]]), [2, 3]).arraySync()).toEqual([
      [5, 5, 5],
      [6, 6, 6],
    ]);
    x.dispose();
  });

  it('leaks nothing', async () => {
    await useBackend('wasm');
    const backend = tf.backend();
    const x = tf.randomNormal([3, 1, 2]);
    const step = () => tf.tidy(() => void tf.tile(x, [2, 4, 3]));
    step();
    const before = backend.numDataIds();
    step();
    expect(backend.numDataIds()).toBe(before);
    await expectNoLeakedTensors(step, { label: 'wasm tile' });
    x.dispose();
  });
});
