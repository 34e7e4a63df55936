import type { SimdKernels } from './simd-kernels';

/** One operand of a product: a byte pointer into the wasm heap and byte strides. */
export interface GemmOperands {
  a: number;
  /** A's element (m, k) is at a + m * sam + k * sak. */
  sam: number;
  sak: number;
  /** B's element (k, n) is at b + k * sbk + n * 4. */
  b: number;
  sbk: number;
  /** C's element (m, n) is at c + m * scm + n * 4. */
  c: number;
  scm: number;
}

/**
 * Depth and row blocks the kernel is called on, so that a KC x 8 panel of B stays in L1 and an
 * MC x KC block of A in L2 across the tiles that reuse them (measured on the AMDIM / DIM shapes:
 * 1.1-2.5x over unblocked calls for K >= 1568, neutral for short K; depth 256 x rows 128 is
 * 1.14x over 128 x 256 summed over 11 shapes with fused multiply-adds, up to 1.3x for K >= 512
 * and N <= 128).
 */
export const GEMM_DEPTH_BLOCK = 256;
export const GEMM_ROW_BLOCK = 128;

/** C[M, N] (+)= A[M, K] B[K, N], blocked over K and M. */
export function blockedGemm(
  kernels: SimdKernels,
  o: GemmOperands,
  m: number,
  n: number,
  k: number,
  accumulate = false,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (!accumulate) kernels.gemm(o.a, o.b, o.c, m, n, 0, o.sam, o.sak, o.sbk, o.scm, 0, 0);
    return;
  }
  for (let k0 = 0; k0 < k; k0 += GEMM_DEPTH_BLOCK) {
    const kc = Math.min(GEMM_DEPTH_BLOCK, k - k0);
    const add = accumulate || k0 > 0 ? 1 : 0;
    for (let m0 = 0; m0 < m; m0 += GEMM_ROW_BLOCK) {
      const mc = Math.min(GEMM_ROW_BLOCK, m - m0);
      // The last 2-3 rows go to gemmTail (one clamped 4-row tile instead of single rows).
      const tail = mc % 4 >= 2 ? mc % 4 : 0;
      const main = mc - tail;
      // Packing a panel pays off once several row tiles reuse it.
      const pack = main > 4 ? kernels.pack : 0;
      if (main > 0) kernels.gemm(o.a + m0 * o.sam + k0 * o.sak, o.b + k0 * o.sbk, o.c + m0 * o.scm, main, n, kc, o.sam, o.sak, o.sbk, o.scm, add, pack);
      if (tail > 0) {
        const t0 = m0 + main;
        kernels.gemmTail(o.a + t0 * o.sam + k0 * o.sak, o.b + k0 * o.sbk, o.c + t0 * o.scm, tail, n, kc, o.sam, o.sak, o.sbk, o.scm, add, 0);
      }
    }
  }
}
