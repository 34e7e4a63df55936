import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, setSimdKernelsEnabled, useBackend } from '@infomax/core';
import { wasmTrainingKernelStatus } from '../src/backends/wasm-kernels/register-wasm-training-kernels';
import { unpaddedPoolInfo } from '../src/backends/wasm-kernels/avg-pool-windows';
import { on, random, relativeError, type HostTensor } from './wasm-test-utils';

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | number;
interface PoolCase {
  name: string;
  x: Shape4;
  k: number | [number, number];
  s: number | [number, number];
  pad: Pad;
}

// Shapes stay small: every case runs forward and gradient on cpu and wasm, SIMD on and off.
const CASES: PoolCase[] = [
  { name: '4x4 stride 2 on 30x30 (AMDIM block shortcut)', x: [1, 30, 30, 8], k: 4, s: 2, pad: 'valid' },
  { name: '2x2 stride 2', x: [3, 8, 8, 4], k: 2, s: 2, pad: 'valid' },
  { name: '3x3 stride 1', x: [3, 7, 7, 5], k: 3, s: 1, pad: 'valid' },
  { name: '3x3 stride 2, odd sizes (a row and a column no window covers)', x: [1, 10, 8, 3], k: 3, s: 2, pad: 'valid' },
  { name: 'non-square window and strides', x: [3, 9, 10, 3], k: [3, 2], s: [2, 3], pad: 'valid' },
  { name: '1x1 stride 1', x: [1, 5, 6, 5], k: 1, s: 1, pad: 'valid' },
  { name: 'window larger than stride, 5 taps (past the unrolled 4)', x: [1, 13, 12, 4], k: [6, 5], s: [1, 3], pad: 'valid' },
  { name: 'stride larger than window (gaps)', x: [3, 11, 10, 5], k: 2, s: [4, 3], pad: 'valid' },
  { name: '1 channel', x: [1, 9, 9, 1], k: 3, s: 2, pad: 'valid' },
  { name: '32 channels', x: [1, 6, 6, 32], k: 2, s: 2, pad: 'valid' },
  { name: 'explicit zero padding', x: [1, 8, 8, 4], k: 3, s: 2, pad: 0 },
  { name: "'same' padding (stock kernel)", x: [3, 7, 7, 3], k: 3, s: 2, pad: 'same' },
];

const avgPool = (c: PoolCase) => (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, c.k, c.s, c.pad);
const gradient = (c: PoolCase) => (x: tf.Tensor, w: tf.Tensor) =>
  tf.grad((y: tf.Tensor) => tf.sum(tf.mul(avgPool(c)(y), w)))(x);

async function expectSameAsCpu(inputs: HostTensor[], fn: (...ts: tf.Tensor[]) => tf.Tensor, simd: boolean): Promise<void> {
  const [reference] = await on('cpu', inputs, fn);
  setSimdKernelsEnabled(simd);
  const [actual] = await on('wasm', inputs, fn);
  // Float32 rounding only: the cpu backend sums in float64, the kernel in float32.
  expect(relativeError(reference as Float32Array, actual as Float32Array)).toBeLessThan(1e-6);
}

describe('wasm AvgPool and AvgPoolGrad (unpadded pools as gathers)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  afterAll(() => setSimdKernelsEnabled(true));

  it('are the infomax kernels on wasm', () => {
    expect(wasmTrainingKernelStatus()).toMatchObject({ AvgPool: 'infomax', AvgPoolGrad: 'infomax' });
  });

  for (const simd of [true, false]) {
    describe(`match the cpu backend (${simd ? 'SIMD gather' : 'SIMD off: stock pool, depthwise-conv gradient'})`, () => {
      const rng = new Rng(`avg-pool-${simd}`);
      for (const c of CASES) {
        it(c.name, async () => {
          const out = tf.backend_util.computePool2DInfo(c.x, c.k, c.s, 1, c.pad).outShape;
          const x = random(rng, c.x);
          await expectSameAsCpu([x], avgPool(c), simd);
          await expectSameAsCpu([x, random(rng, out)], gradient(c), simd);
        });
      }
    });
  }

  it('matches the cpu backend for channel counts 1-8, 19 and 23 (vector and scalar tails) and batch 1 and 3', async () => {
    const rng = new Rng('channels');
    for (const channels of [1, 2, 3, 4, 5, 6, 7, 8, 19, 23]) {
      for (const batch of [1, 3]) {
        const c: PoolCase = { name: '', x: [batch, 7, 9, channels], k: [3, 4], s: [2, 1], pad: 'valid' };
        const out = tf.backend_util.computePool2DInfo(c.x, c.k, c.s, 1, c.pad).outShape;
        const x = random(rng, c.x);
        await expectSameAsCpu([x], avgPool(c), true);
        await expectSameAsCpu([x, random(rng, out)], gradient(c), true);
      }
    }
  });

  it('takes only pools whose windows all lie inside the input', () => {
    const geometry = (x: Shape4, attrs: object, dtype: tf.DataType = 'float32') => {
      const info = unpaddedPoolInfo(x, [dtype], attrs as tf.NamedAttrMap);
      return info && [info.outHeight, info.outWidth, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth];
    };
    expect(geometry([2, 10, 9, 3], { filterSize: [3, 2], strides: [2, 3], pad: 'valid' })).toEqual([4, 3, 3, 2, 2, 3]);
    expect(geometry([2, 10, 10, 3], { filterSize: 3, strides: 2, pad: 0 })).toEqual([4, 4, 3, 3, 2, 2]);
    expect(geometry([2, 10, 10, 3], { filterSize: 3, strides: 2, pad: 'same' })).toBeNull();
    expect(geometry([2, 10, 10, 3], { filterSize: 3, strides: 2, pad: 1 })).toBeNull();
    // Zero padding rounded up: the fifth window covers columns 8-10 of 10, which tfjs averages
    // over the two real ones; the gather would read past the row.
    expect(geometry([2, 10, 10, 3], { filterSize: 3, strides: 2, pad: 0, dimRoundingMode: 'ceil' })).toBeNull();
    expect(geometry([2, 10, 10, 3], { filterSize: 3, strides: 2, pad: 'valid' }, 'int32')).toBeNull();
  });

  it('averages each window and spreads each output over its window (hand-checked)', async () => {
    await useBackend('wasm');
    // 2 channels: the second is the first times -10, so channel lanes must not mix.
    const plane = Array.from({ length: 25 }, (_, i) => i);
    const x = tf.tensor4d(plane.flatMap((v) => [v, -10 * v]), [1, 5, 5, 2]);
    // 2x2 windows at stride 3: rows and columns 0-1 and 3-4; row and column 2 in no window.
    const y = tf.avgPool(x, 2, 3, 'valid');
    expect(Array.from(y.dataSync())).toEqual([3, -30, 6, -60, 18, -180, 21, -210]);
    const dy = tf.tensor4d([4, 0, 8, 0, 12, 0, 16, 0], [1, 2, 2, 2]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(t as tf.Tensor4D, 2, 3, 'valid'), dy)))(x);
    const dx = Array.from(g.dataSync()).filter((_, i) => i % 2 === 0);
    expect(Array.from(g.dataSync()).filter((_, i) => i % 2 === 1)).toEqual(new Array<number>(25).fill(0));
    // prettier-ignore
    expect(dx).toEqual([
      1, 1, 0, 2, 2,
      1, 1, 0, 2, 2,
      0, 0, 0, 0, 0,
      3, 3, 0, 4, 4,
      3, 3, 0, 4, 4,
    ]);
    // 3x3 stride 1 on 4x4: the centre pixels are in 4 windows, the corners in 1.
    const ones = tf.ones([1, 4, 4, 1]);
    const g3 = tf.grad((t: tf.Tensor) => tf.sum(tf.avgPool(t as tf.Tensor4D, 3, 1, 'valid')))(ones);
    expect(Array.from(g3.dataSync()).map((v) => Math.round(v * 9))).toEqual([1, 2, 2, 1, 2, 4, 4, 2, 2, 4, 4, 2, 1, 2, 2, 1]);
    tf.dispose([x, y, dy, g, ones, g3]);
  });

  it('writes exact zeros where no window reaches, over garbage left in reused memory', async () => {
    await useBackend('wasm');
    // Fill the heap's free blocks with NaNs first: an unwritten dx pixel would show up.
    tf.dispose(tf.fill([1, 11, 11, 4], Number.NaN));
    const x = tf.ones([1, 11, 11, 4]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.avgPool(t as tf.Tensor4D, 2, 4, 'valid')))(x);
    const values = g.dataSync();
    for (let r = 0; r < 11; r++) {
      for (let col = 0; col < 11; col++) {
        const covered = r % 4 < 2 && r < 10 && col % 4 < 2 && col < 10;
        expect([r, col, values[(r * 11 + col) * 4]]).toEqual([r, col, covered ? 0.25 : 0]);
      }
    }
    tf.dispose([x, g]);
  });

  it('frees its intermediates and leaks no tensors', async () => {
    await useBackend('wasm');
    const backend = tf.backend();
    const x = tf.randomNormal([2, 10, 10, 3]);
    const step = () =>
      tf.dispose(tf.grad((y: tf.Tensor) => tf.sum(tf.square(tf.avgPool(y as tf.Tensor4D, [3, 4], 2, 'valid'))))(x));
    step();
    const before = backend.numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(backend.numDataIds()).toBe(before);
    await expectNoLeakedTensors(step, { label: 'wasm avgPool forward and gradient' });
    x.dispose();
  });
});
