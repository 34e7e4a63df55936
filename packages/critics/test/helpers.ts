import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/** Flattened values of a tensor or nested array. */
export function values(x: tf.Tensor | number[] | number[][]): number[] {
  if (x instanceof tf.Tensor) return Array.from(x.dataSync());
  return (x as unknown[]).flat(Infinity as 1) as number[];
}

/** Elementwise |a - b| <= tol * max(1, |b|), with a readable failure. */
export function expectClose(
  actual: tf.Tensor | number[] | number[][],
  expected: tf.Tensor | number[] | number[][],
  tol = 1e-5,
): void {
  const a = values(actual);
  const b = values(expected);
  expect(a.length).toBe(b.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `worst relative error at ${at}: ${a[at]} vs ${b[at]}`).toBeLessThanOrEqual(tol);
}

/** Deterministic pseudo-random values in [-1, 1) (no dependence on any backend's RNG). */
export function seededValues(n: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 - 1;
  });
}

export function seededTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(seededValues(shape.reduce((a, b) => a * b, 1), seed), shape);
}

/**
 * Central finite difference of `loss` w.r.t. entry `index` of `variable` (restored afterwards).
 */
export function finiteDifference(loss: () => tf.Scalar, variable: tf.Variable, index: number, eps = 1e-2): number {
  const original = variable.dataSync().slice();
  const evaluate = (delta: number) => {
    const shifted = original.slice();
    shifted[index] = shifted[index]! + delta;
    tf.tidy(() => variable.assign(tf.tensor(shifted, variable.shape)));
    const l = loss();
    const v = l.dataSync()[0]!;
    l.dispose();
    return v;
  };
  const plus = evaluate(eps);
  const minus = evaluate(-eps);
  tf.tidy(() => variable.assign(tf.tensor(original, variable.shape)));
  return (plus - minus) / (2 * eps);
}

/** Disposes critic outputs (CriticOutput is an interface, which tf.dispose's types do not accept). */
export function disposeOutputs(outputs: { scores: tf.Tensor; positiveMask: tf.Tensor } | { scores: tf.Tensor; positiveMask: tf.Tensor }[]): void {
  for (const o of Array.isArray(outputs) ? outputs : [outputs]) tf.dispose([o.scores, o.positiveMask]);
}
