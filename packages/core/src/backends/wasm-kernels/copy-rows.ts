import type { SimdKernels } from '../wasm-simd/simd-kernels';
import { threadedMapFor } from '../wasm-threads/wasm-gemm-threads';

/** Row copies with a constant pad (see `writeCopyRows`), byte offsets into the wasm heap. */
export interface RowCopy {
  src: number;
  dst: number;
  rows: number;
  bytes: number;
  srcStride: number;
  dstStride: number;
  padBefore: number;
  padAfter: number;
  fill: number;
}

/** Runs `copy` on the helper threads when they take a pass this large, else here. */
export function copyRows(backend: unknown, kernels: SimdKernels, copy: RowCopy): void {
  const { src, dst, rows, bytes, srcStride, dstStride, padBefore, padAfter, fill } = copy;
  if (rows <= 0) return;
  const pool = threadedMapFor(backend, rows * (2 * bytes + padBefore + padAfter));
  if (pool) {
    pool.map('copyRows', rows, [src, dst], [srcStride, dstStride], [bytes, srcStride, dstStride, padBefore, padAfter, fill]);
  } else {
    kernels.copyRows(src, dst, rows, bytes, srcStride, dstStride, padBefore, padAfter, fill);
  }
}
