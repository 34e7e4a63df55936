/**
 * The control block through which threads share one job of infomax's wasm kernels: a few i32
 * words at a fixed place in the shared memory. Chunks of a job are numbered START..END-1 on a
 * counter that only grows (NEXT), so a thread that wakes late can never claim a chunk of a job
 * that is already finished: it sees NEXT == END and goes back to sleep.
 */
export const CONTROL = {
  /** Bumped by the posting thread for every job; helpers sleep on it (Atomics.wait). */
  SEQ: 0,
  /** The next chunk to claim (compare-and-swap, never past END). */
  NEXT: 4,
  /** One past the last chunk of the current job. */
  END: 8,
  /** The first chunk of the current job. */
  START: 12,
  /** Chunks finished, over all jobs; the job is done when it reaches END. */
  DONE: 16,
  /** What the chunks run (JOB_KIND). */
  KIND: 20,
  /** Non-zero: helpers leave their loop. */
  STOP: 24,
  /** Helpers that have started and can claim chunks. */
  READY: 28,
  /** Non-zero: a helper's chunk threw (a bug); the poster reports it instead of waiting. */
  FAILED: 32,
  /** Chunks run by helpers, over all jobs (how much the helpers actually took). */
  HELPER_CHUNKS: 36,
  /**
   * Helpers asleep in Atomics.wait on SEQ: only then does the poster call Atomics.notify. A
   * notify wakes a thread through the kernel, which may run it on the poster's own core first
   * (measured: ~1-2 ms per job on a loaded machine), so helpers spin a little between jobs.
   */
  SLEEPING: 40,
  /** The poster is asleep in Atomics.wait on DONE: only then do helpers notify it. */
  POSTER_WAITING: 44,
  /** First parameter word of the job (GEMM_PARAM / PATCH_PARAM index * 4 from here). */
  PARAMS: 64,
  /** Bytes of the block. */
  BYTES: 192,
} as const;

export const JOB_KIND = { gemm: 0, im2col: 1, col2im: 2, col2imStore: 3, map: 4 } as const;
export type JobKind = keyof typeof JOB_KIND;

/**
 * A gemm job: C (+)= A B as in `writeGemm`, cut into chunksM x chunksN x chunksK chunks of
 * chunkRows x chunkCols x chunkDepth. Depth chunk 0 writes C (adding to it when accumulate);
 * depth chunk d > 0 writes the partial product at partials + (d - 1) * partialStride, with C's
 * row stride, for the poster to add up.
 */
export const GEMM_PARAM = {
  a: 0,
  sam: 1,
  sak: 2,
  b: 3,
  sbk: 4,
  c: 5,
  scm: 6,
  m: 7,
  n: 8,
  k: 9,
  accumulate: 10,
  chunkRows: 11,
  chunkCols: 12,
  chunkDepth: 13,
  chunksM: 14,
  chunksN: 15,
  partials: 16,
  partialStride: 17,
} as const;

/** An im2col / col2im / col2imStore job over batch entries: `perChunk` images per chunk. */
export const PATCH_PARAM = {
  x: 0,
  cols: 1,
  n: 2,
  h: 3,
  w: 4,
  c: 5,
  kh: 6,
  kw: 7,
  oh: 8,
  ow: 9,
  sh: 10,
  sw: 11,
  padTop: 12,
  padLeft: 13,
  dh: 14,
  dw: 15,
  perChunk: 16,
} as const;

export const MAP_POINTERS = 8;
export const MAP_WORDS = 12;

/**
 * A map job: one of MAP_OPS (map-ops.ts) over `rows` rows, `chunkRows` per chunk. Each chunk
 * calls the op on its rows, with pointer j moved on by (first row) * strides[j] bytes. The
 * block holds 3 + 2 * MAP_POINTERS + MAP_WORDS words from PARAMS (188 of CONTROL.BYTES).
 */
export const MAP_PARAM = {
  op: 0,
  rows: 1,
  chunkRows: 2,
  /** MAP_POINTERS byte pointers. */
  pointers: 3,
  /** Their byte strides per row (0: the same data for every row). */
  strides: 3 + MAP_POINTERS,
  /** MAP_WORDS plain arguments (i32, or f32 bits). */
  words: 3 + 2 * MAP_POINTERS,
} as const;
