import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, useBackend } from '@infomax/core';
import { wasmTrainingKernelStatus } from '../src/backends/wasm-kernels/register-wasm-training-kernels';
import { on, random, type HostTensor } from './wasm-test-utils';

/** Data movement must be exact: wasm and cpu give identical values. */
async function expectSameOnBothBackends(inputs: HostTensor[], fn: (...ts: tf.Tensor[]) => tf.Tensor | tf.Tensor[]) {
  const reference = await on('cpu', inputs, fn);
  const actual = await on('wasm', inputs, fn);
  expect(actual.map((a) => Array.from(a))).toEqual(reference.map((r) => Array.from(r)));
}

const SLICES: { name: string; shape: number[]; begin: number[]; size: number[] }[] = [
  { name: 'a column of a matrix', shape: [5, 7], begin: [0, 3], size: [5, 1] },
  { name: 'a row block (contiguous)', shape: [6, 4], begin: [2, 0], size: [3, 4] },
  { name: '3-D inner window', shape: [3, 5, 6], begin: [1, 1, 2], size: [2, 3, 3] },
  { name: '4-D crop (NHWC)', shape: [2, 7, 6, 3], begin: [0, 1, 2, 0], size: [2, 5, 3, 3] },
  { name: '4-D channel slice', shape: [2, 3, 3, 8], begin: [0, 0, 0, 2], size: [2, 3, 3, 4] },
  { name: '5-D', shape: [2, 3, 4, 2, 3], begin: [1, 0, 1, 1, 0], size: [1, 3, 2, 1, 2] },
  { name: '6-D', shape: [2, 2, 3, 2, 2, 3], begin: [0, 1, 0, 1, 0, 1], size: [2, 1, 2, 1, 2, 2] },
  { name: 'size -1 (to the end)', shape: [4, 6], begin: [1, 2], size: [-1, -1] },
  { name: 'the whole tensor', shape: [3, 4], begin: [0, 0], size: [3, 4] },
  { name: 'an empty slice', shape: [3, 4], begin: [1, 1], size: [0, 2] },
  { name: 'one element of a vector', shape: [9], begin: [4], size: [1] },
  // 64 or more equally spaced runs: the SIMD row-copy pass (runs of 20, 4 and 28 bytes).
  { name: 'channel slice, many runs (row-copy pass)', shape: [6, 7, 5, 12], begin: [0, 0, 0, 3], size: [6, 7, 5, 5] },
  { name: 'leading-axis crop and channel slice (row-copy pass)', shape: [9, 4, 5, 8], begin: [2, 0, 0, 4], size: [6, 4, 5, 1] },
  { name: 'inner window, whole rows (row-copy pass)', shape: [70, 3, 9], begin: [0, 1, 0], size: [70, 1, 7] },
  { name: 'many runs not equally spaced (copyWithin per run)', shape: [4, 9, 6, 3], begin: [0, 1, 0, 1], size: [4, 7, 6, 2] },
];

describe('wasm slicing kernels', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('are the infomax kernels on wasm', () => {
    expect(wasmTrainingKernelStatus()).toMatchObject({
      Slice: 'infomax',
      SplitV: 'infomax',
      Unpack: 'infomax',
      StridedSlice: 'infomax',
    });
  });

  describe('Slice equals the cpu backend', () => {
    const rng = new Rng('slice');
    for (const c of SLICES) {
      it(c.name, async () => {
        await expectSameOnBothBackends([random(rng, c.shape)], (x) => tf.slice(x!, c.begin, c.size));
      });
    }
  });

  it('PadV2 of the last axis (row-copy pass) and of other axes (stock) equals the cpu backend', async () => {
    const rng = new Rng('pad');
    await expectSameOnBothBackends([random(rng, [5, 6, 7, 12])], (x) => [
      tf.pad(x!, [[0, 0], [0, 0], [0, 0], [0, 20]]),
      tf.pad(x!, [[0, 0], [0, 0], [0, 0], [3, 1]], -2.5),
      tf.pad(x!, [[1, 0], [0, 2], [0, 0], [0, 4]]),
      tf.pad(tf.reshape(x!, [-1]), [[2, 3]], 7),
    ]);
  });

  it('slices int32 and bool tensors', async () => {
    const values = Int32Array.from({ length: 24 }, (_, i) => i * 7 - 40);
    await expectSameOnBothBackends([{ values, shape: [2, 3, 4], dtype: 'int32' }], (x) => [
      tf.slice(x!, [0, 1, 1], [2, 2, 2]),
      tf.slice(tf.greater(x!, 0), [1, 0, 2], [1, 3, 2]),
    ]);
  });

  it('matches hand-picked values', async () => {
    await useBackend('wasm');
    const x = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(tf.slice(x, [1, 1], [2, 2]).arraySync()).toEqual([
      [5, 6],
      [8, 9],
    ]);
    expect(tf.slice(x, [0, 2], [3, 1]).arraySync()).toEqual([[3], [6], [9]]);
    x.dispose();
  });

  it('SplitV, Unpack and StridedSlice equal the cpu backend', async () => {
    const rng = new Rng('split');
    await expectSameOnBothBackends([random(rng, [4, 6, 5])], (x) => [
      ...tf.split(x!, [1, 3, 2], 1),
      ...tf.split(x!, 2, 0),
      ...tf.split(x!, [2, -1], 2),
      ...tf.unstack(x!, 0),
      ...tf.unstack(x!, 1),
      ...tf.unstack(x!, 2),
      tf.stridedSlice(x!, [1, 0, 0], [3, 6, 5]),
      tf.stridedSlice(x!, [1, 2, 1], [3, 5, 4]),
      tf.stridedSlice(x!, [0, 0, 0], [4, 6, 5], [1, 2, 1]),
      tf.stridedSlice(x!, [1], [2], [1], 0, 0, 0, 0, 1),
    ]);
  });

  it('is correct when allocating the output grows the wasm heap', async () => {
    await useBackend('wasm');
    const n = 1 << 23;
    const x = tf.range(0, n, 1, 'float32');
    const y = tf.slice(x, [5], [n - 10]);
    const values = y.dataSync();
    expect(values.length).toBe(n - 10);
    expect([values[0], values[1], values[n - 11]]).toEqual([5, 6, n - 6]);
    tf.dispose([x, y]);
  });

  it('frees everything it allocates and leaks no tensors', async () => {
    await useBackend('wasm');
    const backend = tf.backend();
    const x = tf.randomNormal([4, 6, 5]);
    const step = () =>
      tf.tidy(() => {
        tf.slice(x, [1, 2, 0], [2, 3, 5]);
        tf.split(x, [2, 4], 1);
        tf.unstack(x, 2);
        tf.stridedSlice(x, [1, 0, 0], [3, 6, 5]);
        tf.grads((y: tf.Tensor) => tf.sum(tf.slice(y, [0, 1, 1], [4, 2, 2])))([x]);
      });
    step();
    const before = backend.numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(backend.numDataIds()).toBe(before);
    await expectNoLeakedTensors(step, { label: 'wasm slices' });
    x.dispose();
  });
});
