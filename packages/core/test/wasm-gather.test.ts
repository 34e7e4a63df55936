import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, useBackend } from '@infomax/core';
import { GATHER_MIN_SLICE } from '../src/backends/wasm-kernels/gather';
import { on, random } from './wasm-test-utils';

// GatherV2 on wasm as slice copies in the heap, against the cpu backend (exact: it only moves values).

const CASES: { name: string; shape: number[]; indices: number[]; indexShape?: number[]; axis: number }[] = [
  { name: 'AMDIM: 32 rows of a [800, 256] map, axis 0', shape: [800, 256], indices: Array.from({ length: 32 }, (_, i) => i * 25 + (i % 25)), axis: 0 },
  { name: 'repeated and unordered rows', shape: [10, 16], indices: [3, 3, 9, 0, 3], axis: 0 },
  { name: 'axis 1 of [4, 6, 20] (an outer loop)', shape: [4, 6, 20], indices: [5, 0, 2], axis: 1 },
  { name: 'negative axis', shape: [3, 5, 2, 8], indices: [4, 1], axis: -3 },
  { name: '2-D indices', shape: [9, 32], indices: [1, 2, 3, 8, 0, 0], indexShape: [2, 3], axis: 0 },
  { name: 'no indices', shape: [5, 16], indices: [], axis: 0 },
  { name: 'short slices (stock kernel)', shape: [6, 4], indices: [2, 5], axis: 0 },
];

describe('wasm GatherV2', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  const rng = new Rng('gather-copies');
  for (const c of CASES) {
    it(`gives exactly the cpu backend's values: ${c.name}`, async () => {
      const x = random(rng.fork(c.name), c.shape);
      const indices = { values: Int32Array.from(c.indices), shape: c.indexShape ?? [c.indices.length], dtype: 'int32' as const };
      const fn = (t: tf.Tensor, i: tf.Tensor) => tf.gather(t, i, c.axis);
      const want = await on('cpu', [x, indices], fn);
      const got = await on('wasm', [x, indices], fn);
      expect(got[0]).toEqual(want[0]);
      const outShape = tf.tidy(() => fn(tf.tensor(x.values, x.shape), tf.tensor(indices.values, indices.shape, 'int32')).shape);
      const axis = c.axis < 0 ? c.axis + c.shape.length : c.axis;
      expect(outShape).toEqual([...c.shape.slice(0, axis), ...indices.shape, ...c.shape.slice(axis + 1)]);
    });
  }

  it('copies int32 tensors too', async () => {
    await useBackend('wasm');
    const x = tf.tensor2d(Int32Array.from({ length: 3 * 20 }, (_, i) => i * 7 - 50), [3, 20], 'int32');
    const g = tf.gather(x, [2, 0]);
    expect(g.dtype).toBe('int32');
    expect(Array.from(g.dataSync())).toEqual([...Array.from({ length: 20 }, (_, i) => (40 + i) * 7 - 50), ...Array.from({ length: 20 }, (_, i) => i * 7 - 50)]);
    tf.dispose([x, g]);
  });

  it('names an out-of-range index as the stock kernel does', async () => {
    await useBackend('wasm');
    const x = tf.zeros([4, GATHER_MIN_SLICE]);
    expect(() => tf.gather(x, [1, 4])).toThrow('GatherV2: the index value 4 is not in [0, 3]');
    expect(() => tf.gather(x, [-1])).toThrow('GatherV2: the index value -1 is not in [0, 3]');
    x.dispose();
  });

  it('frees nothing it should keep and keeps nothing it should free', async () => {
    await useBackend('wasm');
    const backend = tf.backend();
    const x = tf.randomNormal([50, 32]);
    const run = () => tf.dispose(tf.gather(x, [1, 7, 7, 49]));
    run();
    const before = backend.numDataIds();
    for (let i = 0; i < 5; i++) run();
    expect(backend.numDataIds()).toBe(before);
    x.dispose();
  });
});
