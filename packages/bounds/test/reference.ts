/**
 * Float64 reference values for the tests, written straight from the formulas of OBJECTIVES.md
 * (plain loops, no tfjs), so the tensor code is checked against an independent computation.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

export type Matrix = number[][];

function logSumExp(values: number[]): number {
  const m = Math.max(...values);
  return m + Math.log(values.reduce((acc, v) => acc + Math.exp(v - m), 0));
}

const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

function split(S: Matrix, P: Matrix): { pos: number[]; neg: number[] } {
  const pos: number[] = [];
  const neg: number[] = [];
  S.forEach((row, n) => row.forEach((s, m) => (P[n]![m] === 1 ? pos : neg).push(s)));
  return { pos, neg };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export interface Reference {
  loss: number;
  estimate: number;
  terms: Record<string, number>;
}

export function refInfoNce(S: Matrix, P: Matrix, options: { clip?: number; l2?: number } = {}): Reference {
  const { clip, l2 = 0 } = options;
  const likelihoods: number[] = [];
  const capacities: number[] = [];
  S.forEach((row, n) => {
    const s = row.map((v) => (clip === undefined ? v : clip * Math.tanh(v / clip)));
    const negatives = s.filter((_, m) => P[n]![m] === 0);
    capacities.push(Math.log(1 + negatives.length));
    s.forEach((v, m) => {
      if (P[n]![m] === 1) likelihoods.push(v - logSumExp([v, ...negatives]));
    });
  });
  const nce = -mean(likelihoods);
  const regularizer = l2 * mean(S.flat().map((v) => v * v));
  return { loss: nce + regularizer, estimate: mean(capacities) - nce, terms: { nce, regularizer } };
}

export function refJsd(S: Matrix, P: Matrix): Reference {
  const { pos, neg } = split(S, P);
  const positive = mean(pos.map((s) => softplus(-s)));
  const negative = mean(neg.map((s) => softplus(s)));
  const loss = positive + negative;
  return { loss, estimate: (Math.log(4) - loss) / 2, terms: { positive, negative } };
}

export function refDonskerVaradhan(S: Matrix, P: Matrix): Reference {
  const { pos, neg } = split(S, P);
  const positive = mean(pos);
  const negative = logSumExp(neg) - Math.log(neg.length);
  return { loss: negative - positive, estimate: positive - negative, terms: { positive, negative } };
}

export function refNwj(S: Matrix, P: Matrix): Reference {
  const { pos, neg } = split(S, P);
  const positive = mean(pos);
  const negative = mean(neg.map((s) => Math.exp(s - 1)));
  return { loss: negative - positive, estimate: positive - negative, terms: { positive, negative } };
}

/** Central differences of a float64 scalar function of a matrix (the reference gradients). */
export function numericGradient(f: (S: Matrix) => number, S: Matrix, eps = 1e-5): Matrix {
  return S.map((row, n) =>
    row.map((_, m) => {
      const plus = S.map((r) => [...r]);
      const minus = S.map((r) => [...r]);
      plus[n]![m]! += eps;
      minus[n]![m]! -= eps;
      return (f(plus) - f(minus)) / (2 * eps);
    }),
  );
}

/** Rounds to float32 so the reference sees exactly the numbers the backend sees. */
export const f32 = (S: Matrix): Matrix => S.map((row) => row.map((v) => Math.fround(v)));

export async function scalarValue(t: tf.Tensor): Promise<number> {
  return (await t.data())[0]!;
}

/** |actual - expected| <= tolerance * max(1, |expected|), with a readable failure. */
export function expectClose(actual: number, expected: number, tolerance: number, label = 'value'): void {
  const allowed = tolerance * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= allowed)) {
    expect.fail(`${label}: got ${actual}, expected ${expected} (allowed error ${allowed.toExponential(2)})`);
  }
}

export function expectMatrixClose(actual: Matrix, expected: Matrix, tolerance: number, label = 'matrix'): void {
  expected.forEach((row, n) =>
    row.forEach((e, m) => expectClose(actual[n]![m]!, e, tolerance, `${label}[${n}][${m}]`)),
  );
}

/** An AMDIM-style block mask: `images` rows, `images * locations` columns, L ones per row. */
export function blockMask(images: number, locations: number): Matrix {
  return Array.from({ length: images }, (_, n) =>
    Array.from({ length: images * locations }, (_, c) => (Math.floor(c / locations) === n ? 1 : 0)),
  );
}

export function eye(n: number): Matrix {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}
