import * as tf from '@tensorflow/tfjs';
import type { SimdKernels } from '../wasm-simd/simd-kernels';
import { gemmBatchMatMul } from './gemm-mat-mul';
import { composeWasmKernel, type WasmKernelScope } from './wasm-kernel-scope';

/**
 * How one BatchMatMul is run on wasm. tfjs 4.22's wasm kernel reaches XNNPACK only for a single
 * product without transposeA/B; anything else (every matMul gradient, `matMul(a, b, false,
 * true)`, batched products) falls to a scalar loop 10-50x slower, which also reads out of bounds
 * when only one operand is batched. So:
 * - 'single': one product, batch dims folded into rows where only `a` is batched
 *   ([B, M, K] x [K, N] is [B*M, K] x [K, N]); transposes are materialised first.
 * - 'single-transposed': only `b` is batched: C_i^T = B_i^T A^T, all batches as one product
 *   [B*N, K] x [K, M], then one transpose back.
 * - 'per-batch': both batched and each product is large: one XNNPACK product per batch entry.
 * - 'stock': both batched (same batch) and each product small: the scalar loop wins over a
 *   slice and an XNNPACK operator per entry.
 */
export type MatMulPlan = 'single' | 'single-transposed' | 'per-batch' | 'stock';

/** Per-entry multiply-adds below which the stock scalar loop beats per-entry XNNPACK calls. */
export const PER_BATCH_MIN_MACS = 1 << 16;

export interface MatMulGeometry {
  /** Broadcast batch shape of the output. */
  batchShape: number[];
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
}

export function matMulGeometry(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): MatMulGeometry {
  const ra = aShape.length;
  const rb = bShape.length;
  if (ra < 2 || rb < 2) throw new Error(`infomax wasm BatchMatMul: operands must have rank >= 2, got ${ra} and ${rb}`);
  const dim = (shape: readonly number[], i: number) => shape[i] ?? 0;
  const m = transposeA ? dim(aShape, ra - 1) : dim(aShape, ra - 2);
  const kA = transposeA ? dim(aShape, ra - 2) : dim(aShape, ra - 1);
  const kB = transposeB ? dim(bShape, rb - 1) : dim(bShape, rb - 2);
  const n = transposeB ? dim(bShape, rb - 2) : dim(bShape, rb - 1);
  if (kA !== kB) {
    throw new Error(
      `Error in matMul: inner shapes (${kA}) and (${kB}) of Tensors with shapes ${aShape.join(',')} and ` +
        `${bShape.join(',')} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(aShape.slice(0, -2), bShape.slice(0, -2));
  return {
    batchShape,
    batchA: tf.util.sizeFromShape(aShape.slice(0, -2)),
    batchB: tf.util.sizeFromShape(bShape.slice(0, -2)),
    m,
    k: kA,
    n,
  };
}

export function matMulPlan(g: MatMulGeometry): MatMulPlan {
  if (g.batchB === 1) return 'single';
  if (g.batchA === 1) return 'single-transposed';
  if (g.batchA !== g.batchB) return 'per-batch'; // multi-axis broadcasting: the stock loop cannot
  return g.m * g.k * g.n >= PER_BATCH_MIN_MACS ? 'per-batch' : 'stock';
}

/** `x` [..., R, C] as [batch, R, C] with its last two axes swapped when `transposed`. */
function asRows(scope: WasmKernelScope, x: tf.TensorInfo, batch: number, transposed: boolean): tf.TensorInfo {
  const r = x.shape.length;
  const rows = x.shape[r - 2] ?? 0;
  const cols = x.shape[r - 1] ?? 0;
  const flat = scope.reshape(x, [batch, rows, cols]);
  return transposed ? scope.transpose(flat, [0, 2, 1]) : flat;
}

/**
 * The XNNPACK-backed product of a [1, M, K] and b [1, K, N] (no flags), through the stock kernel
 * function so its operator cache (keyed by b) keeps working for weights.
 */
type Product = (scope: WasmKernelScope, a: tf.TensorInfo, b: tf.TensorInfo) => tf.TensorInfo;

/**
 * Runs a BatchMatMul with infomax's SIMD gemm when it is loaded (`kernels`), else with XNNPACK
 * where the stock kernel would take its scalar loop. `product` computes one flag-free
 * [1, M, K] x [1, K, N] product; `stock` runs the original kernel.
 */
export function batchMatMulWasm(
  args: Parameters<tf.KernelFunc>[0],
  product: Product,
  stock: tf.KernelFunc,
  kernels: SimdKernels | null = null,
): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA = false, transposeB = false } = args.attrs as unknown as tf.BatchMatMulAttrs;
  const g = matMulGeometry(a.shape, b.shape, transposeA, transposeB);
  if (kernels && a.dtype === 'float32' && b.dtype === 'float32') {
    return composeWasmKernel(args.backend, (scope) => gemmBatchMatMul(scope, kernels, a, b, transposeA, transposeB, g));
  }
  const plan = matMulPlan(g);
  if (plan === 'stock' || (plan === 'single' && g.batchA === 1 && !transposeA && !transposeB)) {
    return stock(args) as tf.TensorInfo;
  }
  const outShape = [...g.batchShape, g.m, g.n];
  return composeWasmKernel(args.backend, (scope) => {
    if (plan === 'single') {
      const rows = asRows(scope, a, g.batchA, transposeA);
      const lhs = scope.reshape(rows, [1, g.batchA * g.m, g.k]);
      const rhs = asRows(scope, b, 1, transposeB);
      return scope.reshape(product(scope, lhs, rhs), outShape);
    }
    if (plan === 'single-transposed') {
      // B_i^T stacked: [batch * N, K]; A^T: [K, M].
      const bT = asRows(scope, b, g.batchB, !transposeB);
      const aT = asRows(scope, a, 1, !transposeA);
      const cT = product(scope, scope.reshape(bT, [1, g.batchB * g.n, g.k]), aT);
      const c = scope.transpose(scope.reshape(cT, [g.batchB, g.n, g.m]), [0, 2, 1]);
      return scope.reshape(c, outShape);
    }
    return perBatch(scope, a, b, g, transposeA, transposeB, outShape, product);
  });
}

function perBatch(
  scope: WasmKernelScope,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  g: MatMulGeometry,
  transposeA: boolean,
  transposeB: boolean,
  outShape: number[],
  product: Product,
): tf.TensorInfo {
  const as = asRows(scope, a, g.batchA, transposeA);
  const bs = asRows(scope, b, g.batchB, transposeB);
  const aIndex = broadcastIndex(a.shape.slice(0, -2), g.batchShape);
  const bIndex = broadcastIndex(b.shape.slice(0, -2), g.batchShape);
  const parts: tf.TensorInfo[] = [];
  for (let i = 0; i < aIndex.length; i++) {
    const ai = scope.slice(as, [aIndex[i] ?? 0, 0, 0], [1, g.m, g.k]);
    const bi = scope.slice(bs, [bIndex[i] ?? 0, 0, 0], [1, g.k, g.n]);
    parts.push(product(scope, ai, bi));
  }
  const joined = parts.length === 1 ? parts[0]! : scope.run('Concat', parts, { axis: 0 });
  return scope.reshape(joined, outShape);
}

/** For each flat index of `outBatch`, the flat index into `batch` that broadcasts onto it. */
export function broadcastIndex(batch: readonly number[], outBatch: readonly number[]): number[] {
  const total = tf.util.sizeFromShape(outBatch as number[]);
  const offset = outBatch.length - batch.length;
  const strides: number[] = new Array(batch.length).fill(0);
  for (let i = batch.length - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= batch[i] ?? 1;
  }
  const index: number[] = [];
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let source = 0;
    for (let axis = outBatch.length - 1; axis >= 0; axis--) {
      const size = outBatch[axis] ?? 1;
      const coord = rest % size;
      rest = Math.floor(rest / size);
      const own = axis - offset;
      if (own >= 0 && (batch[own] ?? 1) !== 1) source += coord * (strides[own] ?? 0);
    }
    index.push(source);
  }
  return index;
}
