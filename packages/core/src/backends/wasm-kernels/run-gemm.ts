import { blockedGemm, type GemmOperands } from '../wasm-simd/blocked-gemm';
import type { SimdKernels } from '../wasm-simd/simd-kernels';
import { gemmCopyBytes, heapGemm } from '../wasm-threads/heap-ops';
import { threadedKernelsFor } from '../wasm-threads/wasm-gemm-threads';
import { poolOperation } from './pool-operation';
import type { WasmKernelScope } from './wasm-kernel-scope';

/**
 * C (+)= A B on pointers into the backend's heap: on the helper threads too when they are set
 * (`setWasmGemmThreads`) and the product is large enough to pay for the copies, else here.
 */
export function runGemm(scope: WasmKernelScope, kernels: SimdKernels, o: GemmOperands, m: number, n: number, k: number): void {
  const pool = threadedKernelsFor(scope.backend, m * n * k, gemmCopyBytes(o, m, n, k));
  if (pool) heapGemm(poolOperation(scope, pool), o, m, n, k);
  else blockedGemm(kernels, o, m, n, k);
}
