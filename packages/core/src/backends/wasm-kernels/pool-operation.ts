import { PoolOperation } from '../wasm-threads/heap-ops';
import type { ThreadedKernels } from '../wasm-threads/threaded-kernels';
import type { WasmKernelScope } from './wasm-kernel-scope';

/**
 * An operation on `pool` for a kernel running in `scope`: scratch on the heap is a tensor of the
 * scope (freed with it). Create it after allocating the kernel's outputs: it holds the heap.
 */
export function poolOperation(scope: WasmKernelScope, pool: ThreadedKernels): PoolOperation {
  return new PoolOperation(pool, scope.heap(), (bytes) => scope.offset(scope.output([Math.ceil(bytes / 4)])));
}
