import type { GemmOperands } from '../wasm-simd/blocked-gemm';
import { GEMM_SHAPE, writeGemm } from '../wasm-simd/gemm-kernel';
import { writeAddInto } from '../wasm-simd/add-into-kernel';
import { writeCol2im, writeCol2imStore, writeIm2col } from '../wasm-simd/im2col-kernel';
import { PACK_BYTES } from '../wasm-simd/simd-kernels';
import { assembleModule } from '../wasm-simd/wasm-assembler';
import { writeWork } from '../wasm-simd/work-kernel';
import { writeAdd, writeAddRows, writeCopyRows, writeRelu } from '../wasm-simd/elementwise-kernel';
import { writeReluGrad } from '../wasm-simd/relu-grad-kernel';
import { writeChannelAffine, writeChannelInputGradient } from '../wasm-simd/batch-norm-kernel';
import { writeAvgPoolWindows } from '../wasm-simd/avg-pool-kernel';
import { writeWinogradInput, writeWinogradInputGrad, writeWinogradOutput, writeWinogradOutputGrad } from '../wasm-simd/winograd-kernel';
import { MAP_OPS, MAP_OP_NAMES, type MapOp } from '../wasm-simd/map-ops';
import { CONTROL, GEMM_PARAM, JOB_KIND, MAP_PARAM, MAP_POINTERS, MAP_WORDS, PATCH_PARAM, type JobKind } from '../wasm-simd/work-control';
import { CHUNKS_PER_THREAD, planGemm } from './gemm-plan';
import type { HelperHandle, HelperLauncher } from './helper-launcher';
import { DEFAULT_THRESHOLDS, type ThreadThresholds } from './thread-thresholds';
import { WasmThreadsError } from './wasm-threads-error';
import { zeroBytes } from './zero-bytes';

/** The geometry of an NHWC im2col / col2im (sizes in elements), as in `writeIm2col`. */
export interface PatchGeometry {
  n: number;
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  oh: number;
  ow: number;
  sh: number;
  sw: number;
  padTop: number;
  padLeft: number;
  dh: number;
  dw: number;
}

const PAGE = 65536;
/** Helpers a pool can have (their scratch is laid out up front). */
export const MAX_THREADS = 16;
/** Where the background jobs' control blocks start, from the control block. */
const BACKGROUND_OFFSET = 256;
/** Background jobs that can be posted at once (one control block each). */
export const BACKGROUND_SLOTS = 8;
/** Where each thread's gemm scratch starts, from the control block. */
const PACK_OFFSET = BACKGROUND_OFFSET + BACKGROUND_SLOTS * CONTROL.BYTES;
/** `work`'s limit for "every chunk there is". */
const ALL_CHUNKS = 0x7fffffff;
/**
 * Chunks per thread of a background gemm: small ones, because a helper in the middle of one
 * joins the next job of the calling thread only when it is done.
 */
const BACKGROUND_CHUNKS_PER_THREAD = 16;
const ARENA_BASE = Math.ceil((PACK_OFFSET + MAX_THREADS * PACK_BYTES) / PAGE) * PAGE;
/** 2 GiB: V8 reserves a shared memory's maximum up front, as address space only. */
const MAX_PAGES = 32768;
/** Spins on the DONE word before sleeping: a helper's last chunk usually ends within this. */
const SPIN_MS = 0.5;
/** A helper that has not finished its chunk after this long is taken to be gone. */
const STALL_MS = 60_000;

/** A gemm posted with `ThreadedKernels.gemmInBackground`. */
export interface BackgroundJob {
  readonly slot: number;
  readonly end: number;
  /** Posting order (the oldest is finished first when every slot is taken). */
  readonly order: number;
  finished: boolean;
  finish(): void;
}

/**
 * infomax's gemm / im2col / col2im on a shared WebAssembly.Memory, run by the calling thread and
 * `threads - 1` helper threads together. Two placements:
 * - in place (`inPlace`): the memory is tfjs' own heap, started shared (see
 *   `whileSharingWasmMemories`), and the threads compute on the tensors where they are;
 * - on a memory of its own (`create`), for a tfjs heap that is not shared: operands are copied
 *   in (`stage`) and results out (`unstage`), O(n^2) bytes against O(n^3) multiply-adds.
 * Every job is cut into small chunks that each thread claims one at a time (see `writeWork`),
 * so a helper whose core is busy elsewhere simply takes fewer of them.
 *
 * Use from one thread only, one operation at a time: `begin()`, operands, jobs, results.
 */
export class ThreadedKernels {
  readonly memory: WebAssembly.Memory;
  private readonly control: Int32Array;
  /** The background jobs' control blocks, and the job posted in each (null: free). */
  private readonly backgroundBlocks: Int32Array[];
  private readonly backgroundJobs: (BackgroundJob | null)[] = new Array<BackgroundJob | null>(BACKGROUND_SLOTS).fill(null);
  private backgroundOrder = 0;
  private readonly work: (control: number, pack: number, limit: number) => number;
  private readonly addInto: (dst: number, src: number, n: number) => void;
  private readonly helpers: HelperHandle[] = [];
  private top = ARENA_BASE;
  private u8: Uint8Array;
  private broken = false;
  private stopped = false;
  /** Whether Atomics.wait may block this thread (not on a browser's main thread). */
  private canBlock = true;

  private constructor(
    readonly threads: number,
    readonly fma: boolean,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    /** Byte offset of the control block; the thread scratch (PACK_BYTES each) follows it. */
    private readonly controlAt: number,
    /** Operands are used where they are: `memory` is the tensors' own heap. */
    readonly inPlace: boolean,
    launcher: HelperLauncher,
    private readonly thresholds: ThreadThresholds,
  ) {
    this.memory = memory;
    this.u8 = new Uint8Array(memory.buffer);
    this.control = new Int32Array(memory.buffer, controlAt, CONTROL.BYTES / 4);
    this.backgroundBlocks = Array.from({ length: BACKGROUND_SLOTS }, (_, i) => new Int32Array(memory.buffer, this.backgroundAt(i), CONTROL.BYTES / 4));
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const exports = instance.exports as {
      work: (control: number, pack: number, limit: number) => number;
      addInto: (dst: number, src: number, n: number) => void;
    };
    this.work = exports.work;
    this.addInto = exports.addInto;
    try {
      for (let i = 1; i < threads; i++) {
        const helper = launcher({ module, memory, control: controlAt, background: controlAt + BACKGROUND_OFFSET, backgroundSlots: BACKGROUND_SLOTS, pack: this.packOf(i) });
        helper.unref?.();
        this.helpers.push(helper);
      }
    } catch (error) {
      this.dispose();
      throw new WasmThreadsError(
        `infomax could not start a helper thread for its wasm kernels (${error instanceof Error ? error.message : String(error)}); ` +
          'run with 1 thread (setWasmGemmThreads(1) or INFOMAX_WASM_THREADS=1).',
      );
    }
  }

  /**
   * A pool of `threads` threads (this one and threads - 1 helpers started with `launcher`) on a
   * shared memory of its own: operands are copied in and out (`stage` / `unstage`). The helpers
   * start in the background; until they are up this thread runs every chunk.
   */
  static create(threads: number, launcher: HelperLauncher, thresholds: ThreadThresholds = DEFAULT_THRESHOLDS): ThreadedKernels {
    assertThreads(threads);
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: ARENA_BASE / PAGE + 32, maximum: MAX_PAGES, shared: true });
    } catch (error) {
      throw new WasmThreadsError(
        `this engine cannot make a shared WebAssembly.Memory (${error instanceof Error ? error.message : String(error)}); ` +
          'threads need SharedArrayBuffer (in browsers: a cross-origin isolated page). Use 1 thread.',
      );
    }
    const { module, fma } = compilePoolModule();
    return new ThreadedKernels(threads, fma, module, memory, 0, false, launcher, thresholds);
  }

  /**
   * A pool working in place on `memory`, a shared heap that holds the tensors themselves (tfjs'
   * wasm heap made shared, see `whileSharingWasmMemories`). `reserved` is a byte offset of
   * `reservedBytes(threads)` bytes that the caller keeps allocated for the pool's lifetime.
   */
  static inPlace(
    threads: number,
    launcher: HelperLauncher,
    memory: WebAssembly.Memory,
    reserved: number,
    thresholds: ThreadThresholds = DEFAULT_THRESHOLDS,
  ): ThreadedKernels {
    assertThreads(threads);
    if (!(memory.buffer instanceof SharedArrayBuffer)) {
      throw new WasmThreadsError('ThreadedKernels.inPlace needs a shared memory; use ThreadedKernels.create to copy operands instead.');
    }
    const { module, fma } = compilePoolModule();
    new Uint8Array(memory.buffer, reserved, PACK_OFFSET).fill(0);
    return new ThreadedKernels(threads, fma, module, memory, reserved, true, launcher, thresholds);
  }

  /** Bytes an in-place pool of `threads` threads needs reserved (16-byte aligned). */
  static reservedBytes(threads: number): number {
    return PACK_OFFSET + threads * PACK_BYTES;
  }

  private packOf(thread: number): number {
    return this.controlAt + PACK_OFFSET + thread * PACK_BYTES;
  }

  /** Helpers that have started and take chunks (0 until their threads are up). */
  readyHelpers(): number {
    return Atomics.load(this.control, CONTROL.READY / 4);
  }

  /** Helpers asleep on the control block right now (the others are working or spinning). */
  sleepingHelpers(): number {
    return Atomics.load(this.control, CONTROL.SLEEPING / 4);
  }

  /** Chunks run so far: by the helpers, and in all (both only grow; they wrap at 2^31). */
  chunkCounts(): { helpers: number; all: number } {
    return {
      helpers: Atomics.load(this.control, CONTROL.HELPER_CHUNKS / 4),
      all: Atomics.load(this.control, CONTROL.DONE / 4),
    };
  }

  /**
   * Whether an operation of `macs` multiply-adds that copies `bytes` in and out should run
   * here: not when the copies would eat what the second thread saves; then large ones always
   * (a sleeping helper is worth waking), smaller ones only while a helper is awake.
   */
  takes(macs: number, bytes: number): boolean {
    if (macs < this.thresholds.minMacs || macs < this.thresholds.macsPerByte * bytes) return false;
    if (macs >= this.thresholds.wakeMinMacs) return true;
    return Atomics.load(this.control, CONTROL.SLEEPING / 4) < Atomics.load(this.control, CONTROL.READY / 4);
  }

  /**
   * Whether a row-wise pass over tensors of `bytes` (read and written together) should be split
   * over the threads: only where the threads share the tensors' heap (`inPlace`; copying would
   * cost what the pass does), then large ones always and mid-sized ones while a helper is awake.
   */
  takesMap(bytes: number): boolean {
    if (!this.inPlace || bytes < this.thresholds.mapMinBytes) return false;
    if (bytes >= this.thresholds.mapWakeBytes) return true;
    return Atomics.load(this.control, CONTROL.SLEEPING / 4) < Atomics.load(this.control, CONTROL.READY / 4);
  }

  /**
   * Starts an operation: everything allocated by the previous one is free again, and sleeping
   * helpers are woken now, so that they are up by the time the operands are copied in.
   */
  begin(): void {
    this.assertUsable();
    this.top = ARENA_BASE;
    this.wake();
  }

  /**
   * `bytes` of scratch in the pool's own memory (64-byte aligned), valid until the next begin().
   * In-place pools have none: their scratch is the caller's (tensors on the same heap).
   */
  alloc(bytes: number): number {
    if (this.inPlace) throw new WasmThreadsError('an in-place pool has no scratch of its own; allocate tensors for it instead.');
    const at = this.top;
    this.top = Math.ceil((at + bytes) / 64) * 64;
    const have = this.memory.buffer.byteLength;
    if (this.top > have) {
      const pages = Math.ceil((this.top - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) {
        throw new WasmThreadsError(`infomax's threaded wasm kernels need ${this.top} bytes of scratch, more than ${MAX_PAGES * PAGE}; use 1 thread for this model.`);
      }
      this.memory.grow(pages);
    }
    if (this.u8.byteLength < this.top) {
      this.u8 = new Uint8Array(this.memory.buffer);
    }
    return at;
  }

  /** Copies `bytes` from `source` at `offset` into new scratch; returns where. */
  stage(source: Uint8Array, offset: number, bytes: number): number {
    const at = this.alloc(bytes);
    this.u8.set(source.subarray(offset, offset + bytes), at);
    return at;
  }

  /** Copies `bytes` of scratch at `at` to `target` at `offset`. */
  unstage(at: number, target: Uint8Array, offset: number, bytes: number): void {
    target.set(this.u8.subarray(at, at + bytes), offset);
  }

  zero(at: number, bytes: number): void {
    // The current buffer: an in-place pool's heap may have grown since the last view.
    zeroBytes(this.memory.buffer, at, bytes);
  }

  /**
   * C (+)= A B on pointers into the pool's memory, as `blockedGemm`, over all threads.
   * `scratch` provides room for partial products when the depth is cut (default: `alloc`).
   */
  gemm(o: GemmOperands, m: number, n: number, k: number, accumulate = false, scratch = (bytes: number) => this.alloc(bytes)): void {
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) for (let i = 0; i < m; i++) this.zero(o.c + i * o.scm, n * 4);
      return;
    }
    const job = this.gemmJob(o, m, n, k, accumulate, scratch, CHUNKS_PER_THREAD);
    this.run('gemm', job.params, job.chunks);
    job.addPartials();
  }

  /**
   * Posts C = A B (as `gemm`, in place only) as a background job and returns at once: the
   * helpers run the chunks of background jobs one at a time between the jobs this thread
   * posts, so work that is not needed yet (a weight gradient during backprop) fills time they
   * would spend idle. C and the operands must stay untouched until the job is finished:
   * `finishBackground(job)` (this thread takes the chunks left and waits for the rest), which
   * `dispose` does for all, and a new job for the oldest when all BACKGROUND_SLOTS are taken.
   * `done` runs when it is finished.
   */
  gemmInBackground(o: GemmOperands, m: number, n: number, k: number, scratch: (bytes: number) => number, done: () => void): BackgroundJob {
    this.assertUsable();
    if (!this.inPlace) throw new WasmThreadsError('background jobs need an in-place pool (operands are not copied back later).');
    this.pollBackground();
    let slot = this.backgroundJobs.indexOf(null);
    if (slot < 0) {
      const oldest = this.backgroundJobs.reduce((a, b) => (b !== null && (a === null || b.order < a.order) ? b : a), null as BackgroundJob | null)!;
      this.finishBackground(oldest);
      slot = oldest.slot;
    }
    const order = this.backgroundOrder++;
    if (m === 0 || n === 0 || k === 0) {
      if (m > 0 && n > 0) for (let i = 0; i < m; i++) this.zero(o.c + i * o.scm, n * 4);
      done();
      return { slot, end: 0, order, finished: true, finish: () => {} };
    }
    const gemm = this.gemmJob(o, m, n, k, false, scratch, BACKGROUND_CHUNKS_PER_THREAD);
    const b = this.backgroundBlocks[slot]!;
    gemm.params.forEach((value, i) => {
      b[CONTROL.PARAMS / 4 + i] = value;
    });
    b[CONTROL.KIND / 4] = JOB_KIND.gemm;
    const start = Atomics.load(b, CONTROL.NEXT / 4);
    const end = (start + gemm.chunks) | 0;
    Atomics.store(b, CONTROL.START / 4, start);
    // END last: a helper takes chunks once it sees END past NEXT.
    Atomics.store(b, CONTROL.END / 4, end);
    const job: BackgroundJob = {
      slot,
      end,
      order,
      finished: false,
      finish: () => {
        gemm.addPartials();
        done();
      },
    };
    this.backgroundJobs[slot] = job;
    this.wake();
    return job;
  }

  /** Background jobs posted so far (only grows). */
  backgroundPosted(): number {
    return this.backgroundOrder;
  }

  /** Background jobs posted and not yet finished. */
  backgroundPending(): number {
    return this.backgroundJobs.filter((job) => job !== null).length;
  }

  /**
   * Finishes background `job` (every pending one without it): runs the chunks no helper has
   * taken yet here, waits for those in progress, adds up depth partials and calls its `done`.
   */
  finishBackground(job?: BackgroundJob): void {
    if (job === undefined) {
      for (const pending of this.backgroundJobs) if (pending !== null) this.finishBackground(pending);
      return;
    }
    if (job.finished || this.backgroundJobs[job.slot] !== job) return;
    // Marked first: `done` frees tensors, and a free of a pending tensor calls back here.
    job.finished = true;
    this.backgroundJobs[job.slot] = null;
    // A broken pool's helpers may still write: its operands are left allocated (and `done`
    // uncalled) rather than freed under them.
    if (this.broken || this.stopped) return;
    try {
      this.work(this.backgroundAt(job.slot), this.packOf(0), ALL_CHUNKS);
    } catch (error) {
      this.broken = true;
      this.dispose();
      throw error;
    }
    this.waitFor(job.end, this.backgroundBlocks[job.slot]);
    job.finish();
  }

  /** Finishes the background jobs whose last chunk is done (no waiting); true if none is left. */
  pollBackground(): boolean {
    let left = false;
    for (const job of this.backgroundJobs) {
      if (job === null) continue;
      if (Atomics.load(this.backgroundBlocks[job.slot]!, CONTROL.DONE / 4) === job.end) this.finishBackground(job);
      else left = true;
    }
    return !left;
  }

  private backgroundAt(slot: number): number {
    return this.controlAt + BACKGROUND_OFFSET + slot * CONTROL.BYTES;
  }

  /** The parameter block of a gemm job, its chunk count, and the sum of its depth partials. */
  private gemmJob(
    o: GemmOperands,
    m: number,
    n: number,
    k: number,
    accumulate: boolean,
    scratch: (bytes: number) => number,
    chunksPerThread: number,
  ): { params: number[]; chunks: number; addPartials: () => void } {
    const plan = planGemm(m, n, k, this.threads, chunksPerThread);
    const partialStride = m * o.scm;
    const partials = plan.chunksK > 1 ? scratch((plan.chunksK - 1) * partialStride) : 0;
    const p = new Array<number>(18).fill(0);
    p[GEMM_PARAM.a] = o.a;
    p[GEMM_PARAM.sam] = o.sam;
    p[GEMM_PARAM.sak] = o.sak;
    p[GEMM_PARAM.b] = o.b;
    p[GEMM_PARAM.sbk] = o.sbk;
    p[GEMM_PARAM.c] = o.c;
    p[GEMM_PARAM.scm] = o.scm;
    p[GEMM_PARAM.m] = m;
    p[GEMM_PARAM.n] = n;
    p[GEMM_PARAM.k] = k;
    p[GEMM_PARAM.accumulate] = accumulate ? 1 : 0;
    p[GEMM_PARAM.chunkRows] = plan.chunkRows;
    p[GEMM_PARAM.chunkCols] = plan.chunkCols;
    p[GEMM_PARAM.chunkDepth] = plan.chunkDepth;
    p[GEMM_PARAM.chunksM] = plan.chunksM;
    p[GEMM_PARAM.chunksN] = plan.chunksN;
    p[GEMM_PARAM.partials] = partials;
    p[GEMM_PARAM.partialStride] = partialStride;
    return {
      params: p,
      chunks: plan.chunksM * plan.chunksN * plan.chunksK,
      // Depth chunks 1.. wrote partial products, laid out as C ([m, n] with row stride scm).
      addPartials: () => {
        for (let d = 0; d < plan.chunksK - 1; d++) {
          const part = partials + d * partialStride;
          if (o.scm === n * 4) this.addInto(o.c, part, m * n);
          else for (let i = 0; i < m; i++) this.addInto(o.c + i * o.scm, part + i * o.scm, n);
        }
      },
    };
  }

  /** The patch matrix of x (scratch pointers), as `writeIm2col`, images spread over threads. */
  im2col(x: number, cols: number, g: PatchGeometry): void {
    this.patches('im2col', x, cols, g);
  }

  /** dx = the patch matrix added back onto its pixels, as `writeCol2im`. */
  col2im(dx: number, cols: number, g: PatchGeometry): void {
    this.patches('col2im', dx, cols, g);
  }

  /** Stores non-overlapping patches back into dx (no zeroing), as `writeCol2imStore`. */
  col2imStore(dx: number, cols: number, g: PatchGeometry): void {
    this.patches('col2imStore', dx, cols, g);
  }

  /**
   * Runs the row-wise pass `op` (see MAP_OPS) over `rows` rows on all threads: pointer j moves
   * on by `strides[j]` bytes per row, `words` are the op's other arguments (passed as f32 where
   * its MAP_OPS entry takes a `floatWord`). Chunks hold a multiple of `align` rows (keeps
   * pointers 16-byte aligned where the rows are single values) and at least `minChunkRows`.
   */
  map(op: MapOp, rows: number, pointers: readonly number[], strides: readonly number[], words: readonly number[] = [], align = 1, minChunkRows = 1): void {
    if (rows <= 0) return;
    if (pointers.length > MAP_POINTERS || strides.length !== pointers.length || words.length > MAP_WORDS) {
      throw new Error(`infomax wasm threads: map op '${op}' takes at most ${MAP_POINTERS} pointers with one stride each and ${MAP_WORDS} words`);
    }
    const target = Math.ceil(rows / (CHUNKS_PER_THREAD * this.threads));
    const chunkRows = Math.ceil(Math.max(target, minChunkRows) / align) * align;
    const p = new Array<number>(MAP_PARAM.words + MAP_WORDS).fill(0);
    p[MAP_PARAM.op] = MAP_OP_NAMES.indexOf(op);
    p[MAP_PARAM.rows] = rows;
    p[MAP_PARAM.chunkRows] = chunkRows;
    pointers.forEach((at, j) => {
      p[MAP_PARAM.pointers + j] = at;
      p[MAP_PARAM.strides + j] = strides[j] ?? 0;
    });
    const floats = FLOAT_WORDS[op];
    words.forEach((value, j) => {
      p[MAP_PARAM.words + j] = floats.has(j) ? floatBits(value) : value;
    });
    this.run('map', p, Math.ceil(rows / chunkRows));
  }

  /** Stops the helpers (they leave their loop) and makes this pool unusable. */
  dispose(): void {
    if (this.stopped) return;
    if (this.backgroundOrder > 0 && !this.broken) {
      try {
        this.finishBackground();
      } catch {
        // Broken meanwhile: the pool stops below either way.
      }
    }
    this.stopped = true;
    Atomics.store(this.control, CONTROL.STOP / 4, 1);
    Atomics.add(this.control, CONTROL.SEQ / 4, 1);
    Atomics.notify(this.control, CONTROL.SEQ / 4);
  }

  private patches(kind: 'im2col' | 'col2im' | 'col2imStore', x: number, cols: number, g: PatchGeometry): void {
    if (g.n === 0) return;
    const perChunk = Math.max(1, Math.ceil(g.n / (CHUNKS_PER_THREAD * this.threads)));
    const p = new Array<number>(17).fill(0);
    p[PATCH_PARAM.x] = x;
    p[PATCH_PARAM.cols] = cols;
    for (const key of ['n', 'h', 'w', 'c', 'kh', 'kw', 'oh', 'ow', 'sh', 'sw', 'padTop', 'padLeft', 'dh', 'dw'] as const) {
      p[PATCH_PARAM[key]] = g[key];
    }
    p[PATCH_PARAM.perChunk] = perChunk;
    this.run(kind, p, Math.ceil(g.n / perChunk));
  }

  private run(kind: JobKind, params: readonly number[], chunks: number): void {
    this.assertUsable();
    if (this.backgroundOrder > 0) this.pollBackground();
    const c = this.control;
    params.forEach((value, i) => {
      c[CONTROL.PARAMS / 4 + i] = value;
    });
    c[CONTROL.KIND / 4] = JOB_KIND[kind];
    // Every earlier chunk is done, so NEXT == END: the new job's chunks follow on.
    const start = Atomics.load(c, CONTROL.NEXT / 4);
    const end = (start + chunks) | 0;
    Atomics.store(c, CONTROL.START / 4, start);
    Atomics.store(c, CONTROL.END / 4, end);
    if (chunks > 1) this.wake();
    try {
      this.work(this.controlAt, this.packOf(0), ALL_CHUNKS);
    } catch (error) {
      // A trap here is a bug; helpers may still hold chunks of this job, so stop using the pool.
      this.broken = true;
      this.dispose();
      throw error;
    }
    this.waitFor(end);
  }

  /** Moves SEQ, which a helper between jobs watches; only sleeping ones need the system call. */
  private wake(): void {
    if (this.helpers.length === 0) return;
    Atomics.add(this.control, CONTROL.SEQ / 4, 1);
    if (Atomics.load(this.control, CONTROL.SLEEPING / 4) !== 0) Atomics.notify(this.control, CONTROL.SEQ / 4);
  }

  private waitFor(end: number, c: Int32Array = this.control): void {
    const started = performance.now();
    for (;;) {
      const done = Atomics.load(c, CONTROL.DONE / 4);
      if (done === end) return;
      if (Atomics.load(this.control, CONTROL.FAILED / 4) !== 0) {
        this.broken = true;
        this.dispose();
        throw new WasmThreadsError('a helper thread of infomax\'s wasm kernels failed (see its error above); use 1 thread (setWasmGemmThreads(1)).');
      }
      const waited = performance.now() - started;
      if (waited > STALL_MS) {
        this.broken = true;
        this.dispose();
        throw new WasmThreadsError(`a helper thread of infomax's wasm kernels did not finish its work in ${STALL_MS / 1000} s; use 1 thread (setWasmGemmThreads(1)).`);
      }
      if (waited < SPIN_MS || !this.canBlock) continue;
      Atomics.store(c, CONTROL.POSTER_WAITING / 4, 1);
      try {
        Atomics.wait(c, CONTROL.DONE / 4, done, 100);
      } catch {
        this.canBlock = false;
      }
      Atomics.store(c, CONTROL.POSTER_WAITING / 4, 0);
    }
  }

  private assertUsable(): void {
    if (this.broken || this.stopped) {
      throw new WasmThreadsError('this pool of infomax wasm threads was stopped; set the thread count again to get a new one.');
    }
  }
}

/** Which words of each map op are passed as f32 (from its MAP_OPS entry). */
const FLOAT_WORDS = Object.fromEntries(
  MAP_OP_NAMES.map((op) => [op, new Set(MAP_OPS[op].args.flatMap((arg) => ('floatWord' in arg ? [arg.floatWord] : [])))]),
) as Record<MapOp, Set<number>>;

const bitsView = new DataView(new ArrayBuffer(4));

/** The bits of `value` as a float32, read as an i32. */
function floatBits(value: number): number {
  bitsView.setFloat32(0, value, true);
  return bitsView.getInt32(0, true);
}

function assertThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 2 || threads > MAX_THREADS) {
    throw new WasmThreadsError(`a threaded pool needs 2 to ${MAX_THREADS} threads, got ${threads}; use 1 for no helper threads.`);
  }
}

/**
 * gemm, gemmTail, im2col, col2im, col2imStore, the chunk loop, addInto and the map ops'
 * functions on a shared memory; FMA where available.
 */
function compilePoolModule(): { module: WebAssembly.Module; fma: boolean } {
  const mapWriters = [
    writeRelu, writeAdd, writeReluGrad, writeAddRows, writeChannelAffine, writeChannelInputGradient, writeAvgPoolWindows, writeCopyRows,
    writeWinogradInput, writeWinogradInputGrad, writeWinogradOutput, writeWinogradOutputGrad,
  ];
  const functions = (fma: boolean) => {
    const maps = mapWriters.map((write) => write());
    const first = 7;
    const map = Object.fromEntries(
      MAP_OP_NAMES.map((op) => {
        const at = maps.findIndex((m) => m.exportName === MAP_OPS[op].callee);
        if (at < 0) throw new Error(`infomax wasm threads: no function '${MAP_OPS[op].callee}' for map op '${op}'`);
        return [op, first + at];
      }),
    ) as Record<MapOp, number>;
    return [
      writeGemm({ ...GEMM_SHAPE, fma }),
      writeGemm({ ...GEMM_SHAPE, fma }, true),
      writeIm2col(),
      writeCol2im(),
      writeCol2imStore(),
      writeWork({ gemm: 0, gemmTail: 1, im2col: 2, col2im: 3, col2imStore: 4, map }),
      writeAddInto(),
      ...maps,
    ];
  };
  const withFma = assembleModule(functions(true), true);
  const fma = WebAssembly.validate(withFma);
  return { module: new WebAssembly.Module(fma ? withFma : assembleModule(functions(false), true)), fma };
}
