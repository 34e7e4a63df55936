import * as tf from '@tensorflow/tfjs';
import type { SimdKernels } from '../wasm-simd/simd-kernels';
import { broadcastIndex, type MatMulGeometry } from './batch-mat-mul';
import { runGemm } from './run-gemm';
import type { WasmKernelScope } from './wasm-kernel-scope';

/**
 * BatchMatMul with infomax's SIMD gemm (no weight packing; see `writeGemm`). The kernel reads
 * its left operand through strides, so transposeA is free; its right operand must be
 * contiguous along the output columns. For transposeB that costs a transpose of B, unless
 * computing C^T = op(B)^T op(A)^T (then op(A) must be contiguous along m, and C^T is
 * transposed back) moves fewer elements: e.g. AMDIM's scores [32, 256] x [1568, 256]^T
 * transpose 58k elements that way instead of 401k. Batch entries, broadcast ones included,
 * are one gemm call each on pointer offsets: no slices.
 */
export function gemmBatchMatMul(
  scope: WasmKernelScope,
  kernels: SimdKernels,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  g: MatMulGeometry,
): tf.TensorInfo {
  const { batchA, batchB, m, k, n, batchShape } = g;
  const outShape = [...batchShape, m, n];
  const size = (batch: number, rows: number, cols: number) => batch * rows * cols;
  // Elements moved by transposes in each orientation.
  const normal = transposeB ? size(batchB, k, n) : 0;
  const flipped = (transposeA ? 0 : size(batchA, m, k)) + (m === 1 || n === 1 ? 0 : size(Math.max(batchA, batchB), m, n));
  const flip = flipped < normal;
  const swapLast = (x: tf.TensorInfo, batch: number) => {
    const r = x.shape.length;
    return scope.transpose(scope.reshape(x, [batch, x.shape[r - 2] ?? 0, x.shape[r - 1] ?? 0]), [0, 2, 1]);
  };
  const batches = tf.util.sizeFromShape(batchShape);
  const aIndex = batchA === batches ? null : broadcastIndex(a.shape.slice(0, -2), batchShape);
  const bIndex = batchB === batches ? null : broadcastIndex(b.shape.slice(0, -2), batchShape);

  if (!flip) {
    // C = op(A) op(B): op(A) by strides, op(B) as [K, N] rows.
    const rhs = transposeB ? swapLast(b, batchB) : b;
    const out = scope.output(outShape);
    const [pa, pb, pc] = [scope.offset(a), scope.offset(rhs), scope.offset(out)];
    const sam = transposeA ? 4 : k * 4;
    const sak = transposeA ? m * 4 : 4;
    for (let i = 0; i < batches; i++) {
      const ai = aIndex ? (aIndex[i] ?? 0) : i;
      const bi = bIndex ? (bIndex[i] ?? 0) : i;
      runGemm(scope, kernels, { a: pa + ai * m * k * 4, sam, sak, b: pb + bi * k * n * 4, sbk: n * 4, c: pc + i * m * n * 4, scm: n * 4 }, m, n, k);
    }
    return out;
  }
  // C^T = op(B)^T op(A)^T: op(B)^T by strides, op(A)^T as [K, M] rows.
  const rhs = transposeA ? a : swapLast(a, batchA);
  const outT = scope.output([batches, n, m]);
  const [pa, pb, pc] = [scope.offset(b), scope.offset(rhs), scope.offset(outT)];
  // op(B)^T's element (n, k): B stored [N, K] when transposeB, else [K, N].
  const sam = transposeB ? k * 4 : 4;
  const sak = transposeB ? 4 : n * 4;
  for (let i = 0; i < batches; i++) {
    const ai = aIndex ? (aIndex[i] ?? 0) : i;
    const bi = bIndex ? (bIndex[i] ?? 0) : i;
    runGemm(scope, kernels, { a: pa + bi * n * k * 4, sam, sak, b: pb + ai * k * m * 4, sbk: m * 4, c: pc + i * n * m * 4, scm: m * 4 }, n, m, k);
  }
  const out = m === 1 || n === 1 ? outT : scope.transpose(outT, [0, 2, 1]);
  return scope.reshape(out, outShape);
}
