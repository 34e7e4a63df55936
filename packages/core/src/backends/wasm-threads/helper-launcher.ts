import { CONTROL } from '../wasm-simd/work-control';

/**
 * Starts one helper thread of infomax's wasm kernels. The helper instantiates `module` on the
 * shared `memory` and loops: sleep on the control block's SEQ word (Atomics.wait), call
 * `work(control, pack)` (adding the chunks it ran to HELPER_CHUNKS), wake the poster
 * (Atomics.notify on DONE), and between jobs run background jobs' chunks one at a time,
 * until STOP is set. Threads
 * are platform-specific (worker_threads in Node), so the portable core takes the launcher from
 * outside: `@infomax/core/node` registers one.
 */
export type HelperLauncher = (start: HelperStart) => HelperHandle;

export interface HelperStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offset of the control block. */
  control: number;
  /** Byte offset of the background jobs' control blocks (see `ThreadedKernels.gemmInBackground`). */
  background: number;
  /** How many of them there are, one after the other. */
  backgroundSlots: number;
  /** Byte offset of this helper's gemm scratch. */
  pack: number;
}

export interface HelperHandle {
  /** Lets the process exit while the helper sleeps (Node: worker.unref()). */
  unref?(): void;
  /** Ends the thread at once (the pool sets STOP first, so this is only a backstop). */
  terminate(): void;
}

/**
 * How long a helper keeps looking for the next job before it sleeps (ms), unless it sees it was
 * descheduled (HELPER_PREEMPTED_MS). In a training step jobs come every few ms, and a helper
 * asleep when one is posted joins late (a wake-up is a system call, and on a busy machine the
 * scheduler may first run something else). amdim-bench, rounds of 20 steps alternating: spin
 * 1 / 3 / 10 ms gave 361 / 359 / 331 ms median (4 rounds); 1 ms against 10 ms with the
 * preemption check, 374 / 354 ms (5 rounds, 10 ms ahead in 4).
 */
export const HELPER_SPIN_MS = 10;
/**
 * A gap this long (ms) between two clock reads of the spin means the scheduler took the core
 * away: another thread wants it, so the helper stops spinning and sleeps instead of taking turns
 * with it. Without this, two trainings side by side ran ~25 % slower with 10 ms of spin than
 * with 1 ms (each one's spinning helper held a core the other's threads needed); with this check,
 * ~5 % slower (two processes side by side, 15 steps each: 700-728 ms at 1 ms of spin, 748-757 at
 * 10 ms with the check, 823-832 without it).
 */
export const HELPER_PREEMPTED_MS = 0.25;

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
const backs = Array.from({ length: backgroundSlots }, (_, i) => new Int32Array(memory.buffer, background + i * ${CONTROL.BYTES}, ${CONTROL.BYTES / 4}));
const SEQ = ${CONTROL.SEQ / 4}, DONE = ${CONTROL.DONE / 4}, STOP = ${CONTROL.STOP / 4}, READY = ${CONTROL.READY / 4};
const FAILED = ${CONTROL.FAILED / 4}, HELPER_CHUNKS = ${CONTROL.HELPER_CHUNKS / 4};
const SLEEPING = ${CONTROL.SLEEPING / 4}, POSTER_WAITING = ${CONTROL.POSTER_WAITING / 4};
const NEXT = ${CONTROL.NEXT / 4}, END = ${CONTROL.END / 4};
const ALL = 0x7fffffff;
// The first background block with chunks left, or -1.
const backgroundLeft = () => backs.findIndex((b) => Atomics.load(b, END) - Atomics.load(b, NEXT) > 0);
Atomics.add(words, READY, 1);
for (;;) {
  const seq = Atomics.load(words, SEQ);
  if (Atomics.load(words, STOP) !== 0) break;
  let backgroundRan = 0;
  let slot = -1;
  try {
    Atomics.add(words, HELPER_CHUNKS, instance.exports.work(control, pack, ALL));
    if (Atomics.load(words, POSTER_WAITING) !== 0) Atomics.notify(words, DONE);
    // Background work goes one chunk at a time, so a job posted meanwhile waits at most a chunk.
    slot = backgroundLeft();
    if (slot >= 0) backgroundRan = instance.exports.work(background + slot * ${CONTROL.BYTES}, pack, 1);
  } catch (error) {
    Atomics.store(words, FAILED, 1);
    Atomics.notify(words, DONE);
    for (const b of backs) Atomics.notify(b, DONE);
    throw error;
  }
  if (backgroundRan > 0) {
    Atomics.add(words, HELPER_CHUNKS, backgroundRan);
    if (Atomics.load(backs[slot], POSTER_WAITING) !== 0) Atomics.notify(backs[slot], DONE);
    continue;
  }
  // Jobs come in bursts (an im2col, then its gemm, then the next layer's): wait for the next one
  // awake, unless the scheduler shows that someone else needs this core.
  const until = performance.now() + ${HELPER_SPIN_MS};
  let last = performance.now();
  while (Atomics.load(words, SEQ) === seq && backgroundLeft() < 0) {
    const now = performance.now();
    if (now >= until || now - last > ${HELPER_PREEMPTED_MS}) break;
    last = now;
  }
  if (backgroundLeft() >= 0) continue;
  Atomics.add(words, SLEEPING, 1);
  Atomics.wait(words, SEQ, seq);
  Atomics.sub(words, SLEEPING, 1);
}
Atomics.sub(words, READY, 1);
`;
