import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, setSimdKernelsEnabled, useBackend, wasmKernelModule } from '@infomax/core';
import { enableRelaxedSimd } from '@infomax/core/node';
import { INFO_NCE_GRAD_KERNEL, INFO_NCE_KERNEL, infoNce } from '@infomax/bounds';
import { infoNceBackward, infoNceForward, type InfoNceHostUpstream, type InfoNceHostValues } from '../src/info-nce-host-math';
import { infoNceSimdFor, simdModuleOf, writeInfoNceFunctions, type InfoNceSimdModule } from '../src/info-nce-simd-kernels';
import { simdInfoNceBackward, simdInfoNceForward, simdPassRuns } from '../src/info-nce-simd-passes';
import type { MaskDtype } from '../src/simd-row-lanes';
import { WasmHeap, type WasmBackendLike } from '../src/wasm-heap';
import { blockMask, refInfoNce, type Matrix } from './reference';

// The wasm SIMD passes of the fused InfoNCE kernels against the JS passes (float64, the cpu
// path) and the float64 reference, for both builds of the module: with relaxed SIMD's fused
// multiply-adds (what the CLI runs) and without (engines lacking relaxed SIMD).

// Before anything compiles a module: relaxed SIMD is behind a flag in Node 20.
const relaxed = enableRelaxedSimd();

type Values = Record<keyof InfoNceHostValues, number>;
const VALUE_NAMES = ['loss', 'estimate', 'nce', 'regularizer'] as const;

interface Case {
  label: string;
  scores: Float32Array;
  mask: number[];
  rows: number;
  columns: number;
  dtype: MaskDtype;
  clip: number;
  l2: number;
}

interface Results {
  values: Values;
  weights: Float32Array;
  rowWeights: Float32Array;
  dx: Float32Array;
}

const UPSTREAM: InfoNceHostUpstream = { loss: 0.75, estimate: -0.5, nce: 0.25, regularizer: 1.5 };

function variant(fma: boolean): InfoNceSimdModule {
  const exports = wasmKernelModule<Record<string, (...args: number[]) => number>>(tf.backend(), `test/info-nce-simd/fma=${fma}`, () =>
    writeInfoNceFunctions({ fma }),
  );
  if (exports === null) throw new Error(`the ${fma ? 'fma' : 'plain'} module did not compile`);
  return simdModuleOf(exports);
}

/** The SIMD passes with `module`, through the same host code the kernels run. */
function simdResults(module: InfoNceSimdModule, c: Case): Results {
  const backend = tf.backend() as unknown as WasmBackendLike & tf.KernelBackend;
  const heap = new WasmHeap(backend);
  const scores = tf.tensor2d(c.scores, [c.rows, c.columns]);
  const mask = tf.tensor2d(c.mask, [c.rows, c.columns], c.dtype);
  const shape = { rows: c.rows, columns: c.columns, clip: c.clip, l2: c.l2 };
  const outputs = simdInfoNceForward(heap, module, scores, mask, shape);
  const dx = simdInfoNceBackward(heap, module, { scores, mask, weights: outputs[4]!, rowWeights: outputs[5]! }, UPSTREAM, shape);
  const read = (info: tf.TensorInfo) => Float32Array.from(backend.readSync(info.dataId) as Float32Array);
  const scalars = outputs.slice(0, 4).map((info) => read(info)[0]!);
  const results: Results = {
    values: Object.fromEntries(VALUE_NAMES.map((name, i) => [name, scalars[i]!])) as Values,
    weights: read(outputs[4]!),
    rowWeights: read(outputs[5]!),
    dx: read(dx),
  };
  for (const info of [...outputs, dx]) backend.disposeData(info.dataId, true);
  tf.dispose([scores, mask]);
  return results;
}

/** The JS passes (the cpu kernels' code), float64 inside. */
function jsResults(c: Case): Results {
  const maskValues = c.dtype === 'bool' ? Uint8Array.from(c.mask, (v) => (v !== 0 ? 1 : 0)) : c.dtype === 'int32' ? Int32Array.from(c.mask) : Float32Array.from(c.mask);
  const shape = { rows: c.rows, columns: c.columns, clip: c.clip, l2: c.l2 };
  const parts = { weights: new Float32Array(c.rows * c.columns), rowWeights: new Float32Array(c.rows) };
  const values = infoNceForward(c.scores, maskValues, shape, parts);
  const dx = new Float32Array(c.rows * c.columns);
  infoNceBackward(c.scores, maskValues, shape, parts, UPSTREAM, dx);
  return { values, ...parts, dx };
}

/** max |a - b| / max |b| (0 when both are all zeros). */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let scale = 0;
  expected.forEach((e, i) => {
    diff = Math.max(diff, Math.abs(actual[i]! - e));
    scale = Math.max(scale, Math.abs(e));
  });
  return diff === 0 ? 0 : diff / scale;
}

/** |a - b| / max(1, |b|), as the fused kernels' other tests measure values. */
const valueError = (actual: number, expected: number) => Math.abs(actual - expected) / Math.max(1, Math.abs(expected));

// Measured worst errors over these cases (float32 t and exponentials against float64): values
// 2.4e-7, weights and gradients 6.6e-7. The bounds leave three times that and more.
const VALUE_TOLERANCE = 1e-6;
const ARRAY_TOLERANCE = 2e-6;

function expectResultsClose(actual: Results, expected: Results, label: string): void {
  for (const name of VALUE_NAMES) {
    const error = valueError(actual.values[name], expected.values[name]);
    if (!(error <= VALUE_TOLERANCE)) expect.fail(`${label}: ${name} ${actual.values[name]} vs ${expected.values[name]} (error ${error})`);
  }
  for (const name of ['weights', 'rowWeights', 'dx'] as const) {
    expect(actual[name].every(Number.isFinite), `${label}: ${name} finite`).toBe(true);
    const error = relativeError(actual[name], expected[name]);
    if (!(error <= ARRAY_TOLERANCE)) expect.fail(`${label}: ${name} relative error ${error}`);
  }
}

const rng = new Rng('fused-info-nce-simd');
const normalScores = (size: number, scale: number) => Float32Array.from({ length: size }, () => rng.normal(0, scale));
const flat = (m: Matrix) => m.flat();

/** 1 to 3 positives per row at shifting places. */
function raggedMask(rows: number, columns: number): number[] {
  return flat(Array.from({ length: rows }, (_, n) => Array.from({ length: columns }, (_, m) => ((m - n + columns) % columns < 1 + (n % 3) ? 1 : 0))));
}

function makeCase(label: string, rows: number, columns: number, mask: number[], options: Partial<Case> = {}): Case {
  return { label, rows, columns, mask, scores: normalScores(rows * columns, 3), dtype: 'float32', clip: 20, l2: 0.05, ...options };
}

function cases(): Case[] {
  const out: Case[] = [];
  const amdim800 = flat(blockMask(32, 25));
  const amdim1568 = flat(blockMask(32, 49));
  out.push(makeCase('AMDIM [32, 800], clip 20, l2 0.05', 32, 800, amdim800, { scores: normalScores(32 * 800, 8) }));
  out.push(makeCase('AMDIM [32, 1568], clip 20, l2 0.05', 32, 1568, amdim1568, { scores: normalScores(32 * 1568, 8) }));
  out.push(makeCase('AMDIM [32, 1568], no clip, no l2', 32, 1568, amdim1568, { clip: 0, l2: 0 }));
  for (const clip of [0, 2, 20, 100]) {
    for (const l2 of [0, 0.05]) out.push(makeCase(`ragged [6, 9], clip ${clip}, l2 ${l2}`, 6, 9, raggedMask(6, 9), { clip, l2 }));
  }
  // Columns not a multiple of 4: every row ends in a partial vector; [7, 3] is only that.
  for (const [rows, columns] of [[5, 13], [7, 3], [3, 1], [4, 6]] as const) {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      out.push(makeCase(`ragged [${rows}, ${columns}] ${dtype} mask`, rows, columns, raggedMask(rows, columns), { dtype, clip: dtype === 'int32' ? 0 : 3 }));
    }
  }
  // Row 1 all positives (no negatives), row 2 no positives.
  const special = raggedMask(4, 7);
  for (let m = 0; m < 7; m++) {
    special[7 + m] = 1;
    special[14 + m] = 0;
  }
  for (const clip of [0, 5]) out.push(makeCase(`rows without negatives and without positives, clip ${clip}`, 4, 7, special, { clip }));
  out.push(makeCase('all positive', 3, 5, new Array<number>(15).fill(1)));
  const huge = Float32Array.from({ length: 24 }, () => (rng.uniform() < 0.5 ? -1e4 : 1e4));
  const tiny = Float32Array.from({ length: 24 }, (_, i) => [1e-40, -1e-42, 0, -0, 1.4e-45, 1e-30][i % 6]!);
  for (const clip of [0, 20]) {
    out.push(makeCase(`scores of +-1e4, clip ${clip}`, 4, 6, raggedMask(4, 6), { scores: huge, clip }));
    out.push(makeCase(`tiny and subnormal scores, clip ${clip}`, 4, 6, raggedMask(4, 6), { scores: tiny, clip }));
  }
  // Any non-zero float is a positive, -0 and 0 are negatives.
  const odd = raggedMask(5, 11).map((v, i) => (v !== 0 ? [2, -1, 0.5][i % 3]! : i % 2 === 0 ? -0 : 0));
  out.push(makeCase('float mask of 2, -1, 0.5, -0 and 0', 5, 11, odd));
  return out;
}

describe('fused InfoNCE on wasm SIMD', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  afterEach(() => setSimdKernelsEnabled(true));

  it('has relaxed SIMD in this test run, so both builds of the module are tested', () => {
    expect(relaxed).toBe(true);
  });

  for (const fma of [false, true]) {
    const name = fma ? 'with fused multiply-adds' : 'plain';

    it(`${name}: the vector exp is within 3e-7 of Math.exp, exact at 0, and 0 / Infinity / NaN at the ends`, () => {
      const module = variant(fma);
      const xs: number[] = [];
      for (let x = -86.9; x <= 88.72; x += 0.00173) xs.push(x);
      const ends = [0, -Infinity, -1e30, -100, -87.5, -87, 88.7229, 89, 1e30, Infinity, NaN];
      const ys = onHeap(module.expArray, [...xs, ...ends]);
      let worst = 0;
      xs.forEach((x, i) => {
        const exact = Math.exp(Math.fround(x));
        worst = Math.max(worst, Math.abs(ys[i]! - exact) / exact);
      });
      expect(worst).toBeLessThan(3e-7);
      expect(worst).toBeGreaterThan(0);
      expect(Array.from(ys.subarray(xs.length))).toEqual([1, 0, 0, 0, 0, 0, Infinity, Infinity, Infinity, Infinity, NaN]);
    });

    // Worst (5.5e-7) where k turns from 0 to +-1, x ~ +-ln2 / 2: 2^k - 1 and 2^(k - 1) q(r) cancel a little.
    it(`${name}: the vector expm1 is within 7e-7 of Math.expm1, relatively so near 0, and -1 / Infinity / NaN at the ends`, () => {
      const module = variant(fma);
      const xs: number[] = [1e-30, -1e-30, 1e-10, -1e-10, 1e-5, -1e-5];
      for (let x = -30; x <= 30; x += 0.00097) xs.push(x);
      const ends = [0, -Infinity, -100, 89, Infinity, NaN];
      const ys = onHeap(module.expm1Array, [...xs, ...ends]);
      let worst = 0;
      xs.forEach((x, i) => {
        const exact = Math.expm1(Math.fround(x));
        if (exact !== 0) worst = Math.max(worst, Math.abs(ys[i]! - exact) / Math.abs(exact));
      });
      expect(worst).toBeLessThan(7e-7);
      expect(worst).toBeGreaterThan(0);
      expect(Array.from(ys.subarray(xs.length))).toEqual([0, -1, -1, Infinity, Infinity, NaN]);
    });

    it(`${name}: the vector log1p is within 3e-7 of Math.log1p on [0, 1], down to the smallest inputs`, () => {
      const module = variant(fma);
      const xs: number[] = [0, 1e-38, 1e-30, 1e-20, 1e-10, 1e-7, 1e-5];
      for (let x = 0.001; x <= 1; x += 0.000731) xs.push(x);
      xs.push(1);
      const ys = onHeap(module.log1pArray, xs);
      let worst = 0;
      xs.forEach((x, i) => {
        if (x === 0) return;
        const exact = Math.log1p(Math.fround(x));
        worst = Math.max(worst, Math.abs(ys[i]! - exact) / exact);
      });
      expect(worst).toBeLessThan(3e-7);
      expect(ys[0]).toBe(0);
    });

    it(`${name}: forward and backward match the JS passes and the float64 reference`, () => {
      const module = variant(fma);
      for (const c of cases()) {
        const simd = simdResults(module, c);
        expectResultsClose(simd, jsResults(c), `${name}, ${c.label}`);
        if (c.mask.every((v) => v === 0 || v === 1)) {
          const matrix = (values: ArrayLike<number>) => Array.from({ length: c.rows }, (_, n) => Array.from(values).slice(n * c.columns, (n + 1) * c.columns));
          const reference = refInfoNce(matrix(c.scores), matrix(c.mask), c.clip > 0 ? { clip: c.clip, l2: c.l2 } : { l2: c.l2 });
          const expected = { loss: reference.loss, estimate: reference.estimate, ...reference.terms } as Values;
          for (const value of VALUE_NAMES) {
            // Rows without negatives: the reference has no -1e30 stand-in, nor need it here.
            if (Number.isNaN(expected[value])) continue;
            const error = valueError(simd.values[value], expected[value]);
            if (!(error <= 1e-5)) expect.fail(`${name}, ${c.label}: ${value} ${simd.values[value]} vs float64 ${expected[value]}`);
          }
        }
      }
    });
  }

  it('walks partial vectors without touching the floats past the end', () => {
    const module = variant(true);
    for (const n of [1, 2, 3, 5, 6, 7]) {
      const ys = onHeap(module.expArray, Array.from({ length: n }, (_, i) => i), 4);
      expect(Array.from(ys.subarray(n))).toEqual([-7, -7, -7, -7]);
      expect(ys[0]).toBe(1);
    }
  });

  it('the kernels take the SIMD passes on wasm, forward and backward, and leak no tensors', async () => {
    expect(infoNceSimdFor(tf.backend())).not.toBeNull();
    const scores = tf.tensor2d(normalScores(8 * 40, 2), [8, 40]);
    const mask = tf.tensor2d(blockMask(8, 5));
    const before = { ...simdPassRuns };
    const g = tf.grad((s: tf.Tensor) => infoNce(s as tf.Tensor2D, mask, { clip: 20, l2: 0.05 }).loss)(scores);
    g.dispose();
    expect(simdPassRuns).toEqual({ forward: before.forward + 1, backward: before.backward + 1 });
    const w = tf.variable(scores);
    await expectNoLeakedTensors(
      () => {
        const { value, grads } = tf.variableGrads(() => infoNce(w, mask, { clip: 20, l2: 0.05 }).loss, [w]);
        tf.dispose([value, ...Object.values(grads)]);
      },
      { label: 'fused infoNce on wasm SIMD' },
    );
    tf.dispose([scores, mask, w]);
  });

  it('falls back to the JS passes with infomax SIMD kernels switched off, with their exact results', () => {
    const c = makeCase('ragged [5, 13]', 5, 13, raggedMask(5, 13));
    setSimdKernelsEnabled(false);
    expect(infoNceSimdFor(tf.backend())).toBeNull();
    const before = { ...simdPassRuns };
    const scores = tf.tensor2d(c.scores, [c.rows, c.columns]);
    const mask = tf.tensor2d(c.mask, [c.rows, c.columns]);
    const attrs = { clip: c.clip, l2: c.l2 } as unknown as tf.NamedAttrMap;
    const outputs = tf.engine().runKernel(INFO_NCE_KERNEL, { scores, positiveMask: mask }, attrs) as unknown as tf.Tensor[];
    const upstream = VALUE_NAMES.map((name) => tf.scalar(UPSTREAM[name]));
    const dx = tf.engine().runKernel(
      INFO_NCE_GRAD_KERNEL,
      { scores, positiveMask: mask, weights: outputs[4]!, rowWeights: outputs[5]!, dLoss: upstream[0]!, dEstimate: upstream[1]!, dNce: upstream[2]!, dRegularizer: upstream[3]! },
      attrs,
    ) as tf.Tensor;
    const js = jsResults(c);
    expect(VALUE_NAMES.map((_, i) => outputs[i]!.dataSync()[0])).toEqual(VALUE_NAMES.map((name) => Math.fround(js.values[name])));
    expect(outputs[4]!.dataSync()).toEqual(js.weights);
    expect(dx.dataSync()).toEqual(js.dx);
    expect(simdPassRuns).toEqual(before);
    tf.dispose([scores, mask, dx, ...outputs, ...upstream]);
    setSimdKernelsEnabled(true);
    expect(infoNceSimdFor(tf.backend())).not.toBeNull();
  });

  it('keeps the cpu kernels on the JS passes', async () => {
    await useBackend('cpu');
    try {
      expect(infoNceSimdFor(tf.backend())).toBeNull();
      const before = { ...simdPassRuns };
      const scores = tf.tensor2d(normalScores(4 * 12, 2), [4, 12]);
      const mask = tf.tensor2d(blockMask(4, 3));
      const g = tf.grad((s: tf.Tensor) => infoNce(s as tf.Tensor2D, mask, { clip: 20 }).loss)(scores);
      expect(simdPassRuns).toEqual(before);
      tf.dispose([scores, mask, g]);
    } finally {
      await useBackend('wasm');
    }
  });
});

/**
 * `fn(x, out, n)` on the heap over `values` (as float32); returns out, plus `extra` floats past
 * the end that start as -7 (to see they stay so).
 */
function onHeap(fn: (x: number, out: number, n: number) => void, values: number[], extra = 0): Float32Array {
  const backend = tf.backend() as unknown as WasmBackendLike;
  const n = values.length;
  const heap = new WasmHeap(backend);
  return heap.withScratch(8 * n + 4 * extra, (x) => {
    const out = x + 4 * n;
    new Float32Array(heap.buffer, x, n).set(values);
    new Float32Array(heap.buffer, out, n + extra).fill(-7);
    fn(x, out, n);
    return new Float32Array(heap.buffer, out, n + extra).slice();
  });
}
