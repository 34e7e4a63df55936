import { wasmKernelModule, type FunctionWriter } from '@infomax/core';
import { writeBackward, writeCountPositives } from './info-nce-simd-backward';
import { writeForwardPositives, writeForwardRows } from './info-nce-simd-forward';
import { MASK_DTYPES, type MaskDtype } from './simd-row-lanes';
import { writeExpArray } from './vector-exp';
import { writeLog1pArray } from './vector-log1p';

type RowsPass = (
  scores: number,
  mask: number,
  weights: number,
  stats: number,
  positives: number,
  positiveT: number,
  rows: number,
  columns: number,
  clip: number,
) => void;

/**
 * The fused InfoNCE kernels' per-score work as wasm SIMD functions on the wasm backend's heap
 * (byte addresses; float32 scores [rows, columns], a mask of any of MASK_DTYPES). What each does:
 * info-nce-simd-forward.ts and info-nce-simd-backward.ts; how the host joins them:
 * info-nce-simd-passes.ts.
 */
export interface InfoNceSimdModule {
  /** The rows pass without clip (`clip` ignored). */
  forwardRows(dtype: MaskDtype): RowsPass;
  /** The rows pass with t = clip tanh(s / clip), clip > 0. */
  forwardRowsTanh(dtype: MaskDtype): RowsPass;
  forwardPositives(stats: number, positives: number, positiveT: number, weights: number, rowWeights: number, rows: number, clip: number): void;
  backward(dtype: MaskDtype): (
    scores: number,
    mask: number,
    weights: number,
    rowWeights: number,
    out: number,
    rows: number,
    columns: number,
    perPositive: number,
    regWeight: number,
  ) => void;
  /** How many of the n mask entries are non-zero. */
  countPositives(dtype: MaskDtype): (mask: number, n: number) => number;
  /** out = exp(x) over n float32 by the kernels' vector exp (see VectorExp), for tests. */
  expArray(x: number, out: number, n: number): void;
  /** out = exp(x) - 1 likewise (`VectorExp.emitExpm1`, tanh's), for tests. */
  expm1Array(x: number, out: number, n: number): void;
  /** out = log(1 + x) over n float32 in [0, 1] by the kernels' vector log1p, for tests. */
  log1pArray(x: number, out: number, n: number): void;
}

// The module's name in core's cache: change the version whenever the writers change.
const MODULE_KEY = '@infomax/bounds/info-nce-simd@1';

type Exports = Record<string, (...args: number[]) => number>;

/**
 * The functions compiled for `backend` (a tfjs wasm backend), or null: then the JS passes run.
 * With fused multiply-adds where the engine has relaxed SIMD (the exponentials' polynomials
 * ~1.5x faster, measured), else without.
 */
export function infoNceSimdFor(backend: unknown): InfoNceSimdModule | null {
  const exports =
    wasmKernelModule<Exports>(backend, `${MODULE_KEY}/fma`, () => writeInfoNceFunctions({ fma: true })) ??
    wasmKernelModule<Exports>(backend, MODULE_KEY, () => writeInfoNceFunctions({ fma: false }));
  return exports === null ? null : simdModuleOf(exports);
}

/** The exports of a module of `writeInfoNceFunctions` by what they do. */
export function simdModuleOf(exports: Exports): InfoNceSimdModule {
  const exported = <F>(name: string) => exports[name] as unknown as F;
  return {
    forwardRows: (dtype) => exported(`forwardRows_${dtype}`),
    forwardRowsTanh: (dtype) => exported(`forwardRowsTanh_${dtype}`),
    forwardPositives: exported('forwardPositives'),
    backward: (dtype) => exported(`backward_${dtype}`),
    countPositives: (dtype) => exported(`countPositives_${dtype}`),
    expArray: exported('expArray'),
    expm1Array: exported('expm1Array'),
    log1pArray: exported('log1pArray'),
  };
}

export function writeInfoNceFunctions(options: { fma: boolean }): FunctionWriter[] {
  return [
    ...MASK_DTYPES.map((dtype) => writeForwardRows(dtype, options, false)),
    ...MASK_DTYPES.map((dtype) => writeForwardRows(dtype, options, true)),
    writeForwardPositives(options),
    ...MASK_DTYPES.map(writeBackward),
    ...MASK_DTYPES.map(writeCountPositives),
    writeExpArray(options),
    writeExpArray(options, true),
    writeLog1pArray(options),
  ];
}
