import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { GemmOperands } from '../wasm-simd/blocked-gemm';
import type { BackgroundJob, ThreadedKernels } from '../wasm-threads/threaded-kernels';
import { processSwitch } from '../process-switch';

/**
 * Weight gradients computed in the background on the wasm backend's helper threads.
 *
 * A filter gradient is not read until the optimiser runs, after the whole backward pass, so
 * its gemm can run while this thread goes on with the input gradients and elementwise kernels
 * of the layers below: the helper threads take its chunks in the gaps between the jobs this
 * thread posts (`ThreadedKernels.gemmInBackground`), time they would otherwise spend idle.
 *
 * The kernel returns the gradient tensor at once. Until the job is finished, its data must
 * not be read and nothing it reads or writes may be freed. Two hooks on the backend enforce
 * that, and finish the job first (this thread runs the chunks left, then waits):
 * - `dataIdMap.get` of the output, which every kernel, `readSync` / `read` / `data()`,
 *   `disposeData` and the reference counting go through;
 * - `wasm._free` of any of the job's buffers (inputs, output, patch matrix, partial sums),
 *   which is where a tensor's memory is given back for reuse.
 * Tensors are immutable in tfjs (a Variable's assign binds new data), so nothing else writes
 * to the inputs meanwhile.
 */

/** The jobs in flight on one backend: who writes each output, who uses each buffer. */
interface PendingWork {
  pool: ThreadedKernels | null;
  /** dataId of an output -> the job writing it. */
  outputs: Map<object, BackgroundJob>;
  /** Heap offset of a buffer jobs read or write -> those jobs (two may read one tensor). */
  buffers: Map<number, Set<BackgroundJob>>;
}

interface HookedBackend {
  dataIdMap: { get(dataId: object): unknown };
  wasm: { _free(pointer: number): void };
}

const STATE = Symbol.for('@infomax/core/background-gradients');
type Holder = { [STATE]?: WeakMap<object, PendingWork> };
const holder = globalThis as Holder;

const backgroundSwitch = processSwitch('@infomax/core/background-gradients-enabled');

/**
 * Whether filter gradients on the wasm backend may run in the background on the helper
 * threads (default: yes, where there are helpers and they work on tfjs' heap in place).
 * Process-wide; `false` computes them in the foreground as every other kernel (for
 * comparisons, or as an escape hatch).
 */
export function setWasmBackgroundGradients(enabled: boolean): void {
  backgroundSwitch.set(enabled);
}

/** Whether filter gradients may run in the background (see `setWasmBackgroundGradients`). */
export function wasmBackgroundGradients(): boolean {
  return backgroundSwitch.on();
}

/** The pending work of `backend`, with its hooks installed (once per backend). */
function pendingOf(backend: BackendWasm): PendingWork {
  const all = (holder[STATE] ??= new WeakMap());
  const known = all.get(backend);
  if (known) return known;
  const work: PendingWork = { pool: null, outputs: new Map(), buffers: new Map() };
  all.set(backend, work);
  const hooked = backend as unknown as HookedBackend;
  const storage = hooked.dataIdMap;
  const get = storage.get.bind(storage);
  storage.get = (dataId: object) => {
    if (work.outputs.size > 0) {
      const job = work.outputs.get(dataId);
      if (job) work.pool?.finishBackground(job);
    }
    return get(dataId);
  };
  const module = hooked.wasm;
  const free = module._free.bind(module);
  module._free = (pointer: number) => {
    if (work.buffers.size > 0) {
      const jobs = work.buffers.get(pointer);
      if (jobs) for (const job of [...jobs]) work.pool?.finishBackground(job);
    }
    free(pointer);
  };
  return work;
}

/** Heap offset of a tensor's data, read without the hook (it is not pending yet). */
function offsetOf(backend: BackendWasm, t: tf.TensorInfo): number {
  return (backend.dataIdMap.get(t.dataId) as unknown as { memoryOffset: number }).memoryOffset;
}

/**
 * Posts C = A B on `pool` in the background (see `gemmInBackground`): `output` is the tensor
 * C lives in, `reads` the tensors A and B live in, `temporaries` tensors made for the job
 * alone (freed when it is finished, like the partial sums it allocates).
 */
export function gemmInBackground(
  backend: BackendWasm,
  pool: ThreadedKernels,
  o: GemmOperands,
  m: number,
  n: number,
  k: number,
  tensors: { output: tf.TensorInfo; reads: readonly tf.TensorInfo[]; temporaries: readonly tf.TensorInfo[] },
): void {
  const work = pendingOf(backend);
  if (work.pool !== pool) {
    // A new pool (the thread count changed): the old one finished its jobs when disposed.
    work.outputs.clear();
    work.buffers.clear();
    work.pool = pool;
  }
  const temporaries = [...tensors.temporaries];
  const buffers = [tensors.output, ...tensors.reads, ...temporaries].map((t) => offsetOf(backend, t));
  const scratch = (bytes: number) => {
    const t = backend.makeOutput([Math.ceil(bytes / 4)], 'float32');
    temporaries.push(t);
    buffers.push(offsetOf(backend, t));
    return buffers[buffers.length - 1]!;
  };
  let job: BackgroundJob | null = null;
  const done = () => {
    if (job !== null) {
      if (work.outputs.get(tensors.output.dataId) === job) work.outputs.delete(tensors.output.dataId);
      for (const at of buffers) {
        const jobs = work.buffers.get(at);
        jobs?.delete(job);
        if (jobs?.size === 0) work.buffers.delete(at);
      }
    }
    for (const t of temporaries) backend.disposeData(t.dataId);
  };
  try {
    job = pool.gemmInBackground(o, m, n, k, scratch, done);
  } catch (error) {
    // Not posted (the pool is unusable): only the scratch made here is ours to free.
    for (const t of temporaries.slice(tensors.temporaries.length)) backend.disposeData(t.dataId);
    throw error;
  }
  if (job.finished) return;
  work.outputs.set(tensors.output.dataId, job);
  for (const at of buffers) {
    const jobs = work.buffers.get(at) ?? new Set<BackgroundJob>();
    jobs.add(job);
    work.buffers.set(at, jobs);
  }
}
