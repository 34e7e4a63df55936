import { CONTROL } from '../wasm-simd/work-control';

/**
 * Starts one helper thread of infomax's wasm kernels. The helper instantiates `module` on the
 * shared `memory` and loops: sleep on the control block's SEQ word (Atomics.wait), call
 * `work(control, pack)` (adding the chunks it ran to HELPER_CHUNKS), wake the poster
 * (Atomics.notify on DONE), until STOP is set. Threads
 * are platform-specific (worker_threads in Node), so the portable core takes the launcher from
 * outside: `@infomax/core/node` registers one.
 */
export type HelperLauncher = (start: HelperStart) => HelperHandle;

export interface HelperStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offset of the control block. */
  control: number;
  /** Byte offset of this helper's gemm scratch. */
  pack: number;
}

export interface HelperHandle {
  /** Lets the process exit while the helper sleeps (Node: worker.unref()). */
  unref?(): void;
  /** Ends the thread at once (the pool sets STOP first, so this is only a backstop). */
  terminate(): void;
}

/** How long a helper keeps looking for the next job before it sleeps (ms). */
export const HELPER_SPIN_MS = 1;

const LAUNCHER = Symbol.for('@infomax/core/wasm-helper-launcher');
const registry = globalThis as { [LAUNCHER]?: HelperLauncher };

/** Sets how helper threads are started in this process (process-wide, across bundle copies). */
export function registerHelperLauncher(launcher: HelperLauncher): void {
  registry[LAUNCHER] = launcher;
}

export function helperLauncher(): HelperLauncher | undefined {
  return registry[LAUNCHER];
}

/**
 * The loop a helper runs, as source text for a worker: `module`, `memory`, `control` and `pack`
 * are in scope. Plain JavaScript on purpose, so it survives bundling and needs no file on disk.
 */
export const HELPER_LOOP_SOURCE = `
const instance = new WebAssembly.Instance(module, { env: { memory } });
const words = new Int32Array(memory.buffer, control, ${CONTROL.BYTES / 4});
const SEQ = ${CONTROL.SEQ / 4}, DONE = ${CONTROL.DONE / 4}, STOP = ${CONTROL.STOP / 4}, READY = ${CONTROL.READY / 4};
const FAILED = ${CONTROL.FAILED / 4}, HELPER_CHUNKS = ${CONTROL.HELPER_CHUNKS / 4};
const SLEEPING = ${CONTROL.SLEEPING / 4}, POSTER_WAITING = ${CONTROL.POSTER_WAITING / 4};
Atomics.add(words, READY, 1);
for (;;) {
  const seq = Atomics.load(words, SEQ);
  if (Atomics.load(words, STOP) !== 0) break;
  try {
    Atomics.add(words, HELPER_CHUNKS, instance.exports.work(control, pack));
  } catch (error) {
    Atomics.store(words, FAILED, 1);
    Atomics.notify(words, DONE);
    throw error;
  }
  if (Atomics.load(words, POSTER_WAITING) !== 0) Atomics.notify(words, DONE);
  // Jobs come in bursts (an im2col, then its gemm): wait a little for the next one awake.
  const until = performance.now() + ${HELPER_SPIN_MS};
  while (Atomics.load(words, SEQ) === seq && performance.now() < until);
  Atomics.add(words, SLEEPING, 1);
  Atomics.wait(words, SEQ, seq);
  Atomics.sub(words, SLEEPING, 1);
}
Atomics.sub(words, READY, 1);
`;
