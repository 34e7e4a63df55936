import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { Rng, useBackend } from '@infomax/core';

export interface HostTensor {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype?: 'float32' | 'int32';
}

/** Runs `fn` on `backend` with fresh tensors made from the host arrays, returning host arrays. */
export async function on<T extends tf.Tensor | tf.Tensor[] | tf.NamedTensorMap>(
  backend: 'cpu' | 'wasm',
  inputs: HostTensor[],
  fn: (...ts: tf.Tensor[]) => T,
): Promise<Float32Array[]> {
  await useBackend(backend);
  return tf.tidy(() => {
    const ts = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? 'float32'));
    const out = fn(...ts);
    const list = out instanceof tf.Tensor ? [out] : Array.isArray(out) ? out : Object.values(out);
    return list.map((t) => Float32Array.from(t.dataSync()));
  });
}

export function random(rng: Rng, shape: number[]): HostTensor {
  return { values: rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape };
}

/** max |a - b| / max |reference|: the relative error of the whole tensor. */
export function relativeError(reference: Float32Array, actual: Float32Array): number {
  expect(actual.length).toBe(reference.length);
  let diff = 0;
  let scale = 0;
  reference.forEach((r, i) => {
    diff = Math.max(diff, Math.abs(r - (actual[i] ?? Number.NaN)));
    scale = Math.max(scale, Math.abs(r));
  });
  return diff / Math.max(scale, 1e-12);
}

export function expectClose(reference: Float32Array[], actual: Float32Array[], tolerance = 1e-4): void {
  expect(actual.length).toBe(reference.length);
  reference.forEach((r, i) => expect(relativeError(r, actual[i] as Float32Array)).toBeLessThanOrEqual(tolerance));
}

/** Runs `fn` on cpu and on wasm with the same inputs and expects the same values. */
export async function expectWasmMatchesCpu<T extends tf.Tensor | tf.Tensor[] | tf.NamedTensorMap>(
  inputs: HostTensor[],
  fn: (...ts: tf.Tensor[]) => T,
  tolerance = 1e-4,
): Promise<void> {
  const reference = await on('cpu', inputs, fn);
  const actual = await on('wasm', inputs, fn);
  expectClose(reference, actual, tolerance);
}
