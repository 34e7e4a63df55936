import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, useBackend } from '@infomax/core';
import { wasmTrainingKernelStatus } from '../src/backends/wasm-kernels/register-wasm-training-kernels';
import { on } from './wasm-test-utils';

describe('wasm Identity and same-dtype Cast share data', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('are the infomax kernels on wasm', () => {
    expect(wasmTrainingKernelStatus()).toMatchObject({ Identity: 'infomax', Cast: 'infomax' });
  });

  it('clone and cast keep values and outlive the original', () => {
    const backend = tf.backend();
    const x = tf.tensor2d([
      [1.5, -2],
      [3, 4.25],
    ]);
    const ids = backend.numDataIds();
    const copy = tf.clone(x);
    const same = tf.cast(x, 'float32');
    // No new buffers: both are references to x's data.
    expect(backend.numDataIds()).toBe(ids);
    x.dispose();
    expect(copy.arraySync()).toEqual([
      [1.5, -2],
      [3, 4.25],
    ]);
    expect(Array.from(same.dataSync())).toEqual([1.5, -2, 3, 4.25]);
    tf.dispose([copy, same]);
    expect(backend.numDataIds()).toBe(ids - 1);
  });

  it('a variable assigned after a clone leaves the clone unchanged', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const snapshot = tf.clone(v);
    v.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([v, snapshot]);
  });

  it('casts float32 <-> int32 and to the same dtype as the cpu backend does', async () => {
    // (float -> bool is left to the stock kernel, which differs from cpu for non-integers.)
    const values = Float32Array.from([-2.7, -0.5, 0, 0.4, 1, 3.9]);
    const fn = (x: tf.Tensor) => [
      tf.cast(x, 'float32'),
      tf.cast(x, 'int32'),
      tf.cast(tf.cast(x, 'int32'), 'int32'),
      tf.cast(tf.cast(x, 'int32'), 'float32'),
      tf.cast(tf.cast(tf.greater(x, 0), 'bool'), 'float32'),
    ];
    const cpu = await on('cpu', [{ values, shape: [6] }], fn);
    const wasm = await on('wasm', [{ values, shape: [6] }], fn);
    expect(wasm.map((a) => Array.from(a))).toEqual(cpu.map((a) => Array.from(a)));
  });

  it('gradients through saved (cloned) tensors match the cpu backend, without leaks', async () => {
    const values = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i + 1));
    const fn = (x: tf.Tensor) => tf.grad((y: tf.Tensor) => tf.sum(tf.mul(tf.exp(y), tf.square(y))))(x);
    const cpu = await on('cpu', [{ values, shape: [3, 4] }], fn);
    const wasm = await on('wasm', [{ values, shape: [3, 4] }], fn);
    wasm[0]!.forEach((v, i) => expect(v).toBeCloseTo(cpu[0]![i]!, 5));
    await useBackend('wasm');
    const x = tf.tensor(values, [3, 4]);
    await expectNoLeakedTensors(() => tf.dispose(fn(x)), { label: 'grad through clones' });
    x.dispose();
  });
});
