import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { memoryOf } from '../wasm-simd/simd-kernels';
import { helperLauncher } from './helper-launcher';
import { DEFAULT_THRESHOLDS, type ThreadThresholds } from './thread-thresholds';
import { MAX_THREADS, ThreadedKernels } from './threaded-kernels';
import { WasmThreadsError } from './wasm-threads-error';
import { processSwitch } from '../process-switch';

interface PoolEntry {
  pool: ThreadedKernels;
}

interface ThreadsState {
  threads: number;
  thresholds: ThreadThresholds;
  /** One pool per wasm backend instance, made at its first threaded operation. */
  pools: Map<object, PoolEntry>;
}

// Process-wide (a second copy of this module, e.g. in the /node bundle, sees the same pools).
const STATE = Symbol.for('@infomax/core/wasm-gemm-threads');
const holder = globalThis as { [STATE]?: ThreadsState };

function state(): ThreadsState {
  holder[STATE] ??= { threads: 1, thresholds: DEFAULT_THRESHOLDS, pools: new Map() };
  return holder[STATE];
}

/**
 * Runs infomax's wasm gemm / im2col / col2im (matMuls and convolutions on the wasm backend) on
 * `threads` threads: this one plus threads - 1 helpers that share the work chunk by chunk.
 * 1 (the default) runs everything on the calling thread. Needs a way to start threads:
 * `initNodeBackend` from '@infomax/core/node' registers worker_threads (and applies
 * INFOMAX_WASM_THREADS). Process-wide; calling it again replaces the helpers. `thresholds`
 * (multiply-adds) tune which operations are threaded; the defaults come from measurements.
 */
export function setWasmGemmThreads(threads: number, thresholds: Partial<ThreadThresholds> = {}): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new WasmThreadsError(`wasm gemm threads must be a whole number from 1 to ${MAX_THREADS}, got ${String(threads)}.`);
  }
  const s = state();
  const wanted = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const same = (Object.keys(wanted) as (keyof ThreadThresholds)[]).every((key) => s.thresholds[key] === wanted[key]);
  if (threads === s.threads && same) return;
  stopPools(s);
  s.threads = 1;
  s.thresholds = wanted;
  if (threads === 1) return;
  if (!helperLauncher()) {
    throw new WasmThreadsError(
      'no way to start threads is registered in this process: in Node, call initNodeBackend() from ' +
        "'@infomax/core/node' first (it registers worker_threads), or run with 1 thread.",
    );
  }
  if (typeof SharedArrayBuffer === 'undefined') {
    throw new WasmThreadsError('threads need SharedArrayBuffer, which this engine lacks (in browsers: a cross-origin isolated page); run with 1 thread.');
  }
  s.threads = threads;
}

/** Threads infomax's wasm kernels run on (1: no helpers). */
export function wasmGemmThreads(): number {
  return state().threads;
}

/**
 * The pool for `backend` when more than one thread is set (made at the first call): in place
 * on the backend's heap when that heap is shared, else on a memory of its own.
 */
export function wasmThreadPool(backend: unknown): ThreadedKernels | null {
  const s = state();
  if (s.threads === 1) return null;
  const known = s.pools.get(backend as object);
  if (known) return known.pool;
  const launcher = helperLauncher()!;
  const wasm = backend as BackendWasm;
  const memory = memoryOf(wasm);
  let entry: PoolEntry;
  if (memory && memory.buffer instanceof SharedArrayBuffer) {
    const bytes = ThreadedKernels.reservedBytes(s.threads);
    // Never freed: helpers read their control block until they have seen STOP, which happens
    // some time after dispose() on their own threads; heap reused by then could restart them on
    // garbage. A pool is made once per backend and thread count, so this is a few hundred KB.
    const reserved = wasm.makeOutput([Math.ceil(bytes / 4)], 'float32');
    const offset = (wasm.dataIdMap.get(reserved.dataId) as unknown as { memoryOffset: number }).memoryOffset;
    entry = { pool: ThreadedKernels.inPlace(s.threads, launcher, memory, offset, s.thresholds) };
  } else {
    entry = { pool: ThreadedKernels.create(s.threads, launcher, s.thresholds) };
  }
  s.pools.set(backend as object, entry);
  return entry.pool;
}

/**
 * `backend`'s pool when it should run an operation of `macs` multiply-adds that would copy
 * `bytes` in and out on a pool of its own (see `takes`), else null.
 */
export function threadedKernelsFor(backend: unknown, macs: number, bytes: number): ThreadedKernels | null {
  const pool = wasmThreadPool(backend);
  return pool !== null && pool.takes(macs, pool.inPlace ? 0 : bytes) ? pool : null;
}

function stopPools(s: ThreadsState): void {
  for (const { pool } of s.pools.values()) pool.dispose();
  s.pools.clear();
}

const rowPasses = processSwitch('@infomax/core/wasm-threaded-row-passes');

/**
 * Whether row-wise passes (Add, Relu and its gradient, batch norm's passes, pooling, row
 * copies) may be split over the helper threads (default: yes). Process-wide. Native kernel sets
 * that run their own threads turn it off: a helper spinning between those passes would hold a
 * core their threads need.
 */
export function setWasmThreadedRowPasses(enabled: boolean): void {
  rowPasses.set(enabled);
}

/** Whether row-wise passes may use the helper threads (see `setWasmThreadedRowPasses`). */
export function wasmThreadedRowPasses(): boolean {
  return rowPasses.on();
}

/**
 * `backend`'s pool when it should split a row-wise pass over `bytes` of tensors (see
 * `takesMap`), else null.
 */
export function threadedMapFor(backend: unknown, bytes: number): ThreadedKernels | null {
  if (!wasmThreadedRowPasses()) return null;
  const pool = wasmThreadPool(backend);
  return pool !== null && pool.takesMap(bytes) ? pool : null;
}
