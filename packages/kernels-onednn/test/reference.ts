import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { registerOneDnnKernels, unregisterOneDnnKernels } from '../src/index';

/** Runs `compute` with the kernels the backend had before oneDNN, then with oneDNN's. */
export function bothPaths(compute: () => tf.Tensor[]): { reference: Float32Array[]; native: Float32Array[] } {
  const read = () => tf.tidy(compute).map((t) => {
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return values;
  });
  unregisterOneDnnKernels();
  const reference = read();
  const registered = registerOneDnnKernels({ threads: 2 });
  if (!registered.ok) throw new Error(registered.reason);
  const native = read();
  return { reference, native };
}

/** Largest |a - b| relative to the largest |a| (1 where a is all zeros). */
export function relativeError(a: Float32Array, b: Float32Array): number {
  expect(b.length).toBe(a.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!));
  }
  return diff / (scale || 1);
}

export function expectClose(reference: Float32Array[], native: Float32Array[], tolerance: number, label: string): void {
  expect(native.length).toBe(reference.length);
  reference.forEach((r, i) => {
    const error = relativeError(r, native[i]!);
    if (!(error <= tolerance)) throw new Error(`${label}, output ${i}: relative error ${error.toExponential(2)} > ${tolerance}`);
  });
}

/** Deterministic inputs in [-1, 1). */
export function uniform(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}
