import { GEMM_DEPTH_BLOCK } from '../wasm-simd/blocked-gemm';

/** How a threaded gemm is cut: chunksM x chunksN x chunksK chunks of rows x cols x depth. */
export interface GemmPlan {
  chunkRows: number;
  chunkCols: number;
  chunkDepth: number;
  chunksM: number;
  chunksN: number;
  chunksK: number;
}

/** Chunks per thread: enough that a slow (shared) core only delays a small share of a job. */
export const CHUNKS_PER_THREAD = 4;

/** Smallest chunk sides worth cutting to: the 4 x 8 register tile and its loops want length. */
const MIN_CHUNK_ROWS = 16;
const MIN_CHUNK_COLS = 32;
const MIN_CHUNK_DEPTH = 2 * GEMM_DEPTH_BLOCK;
/**
 * Multiply-adds one operand value read from outside the core's caches is worth (~0.5 ns
 * against ~0.06 ns per multiply-add at 17 GMAC/s).
 */
const VALUE_COST = 8;

/**
 * The cut of C[m, n] = A[m, k] B[k, n] into at most `chunksPerThread` * threads chunks with the
 * least estimated cost: operand traffic (row chunks each read all of B, column chunks all of A,
 * depth chunks add a partial C to write and add up), the slowest thread's share, and a margin
 * for a thread that is late by one chunk. E.g. a [1568, 256] x [256, 256] product is cut into 8
 * row chunks, a filter gradient [256, 1568]^T x [1568, 256] by depth, [27, 28800] x [28800, 32]
 * (C too small to cut) by depth.
 */
export function planGemm(m: number, n: number, k: number, threads: number, chunksPerThread = CHUNKS_PER_THREAD): GemmPlan {
  const target = chunksPerThread * threads;
  const macs = m * n * k;
  let best: GemmPlan | null = null;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let cm = 1; cm <= target; cm++) {
    for (let cn = 1; cm * cn <= target; cn++) {
      for (let ck = 1; cm * cn * ck <= target; ck++) {
        if ((cm > 1 && m < cm * MIN_CHUNK_ROWS) || (cn > 1 && n < cn * MIN_CHUNK_COLS) || (ck > 1 && k < ck * MIN_CHUNK_DEPTH)) continue;
        const rows = split(m, cm, 4);
        const cols = split(n, cn, 8);
        const depth = split(k, ck, GEMM_DEPTH_BLOCK);
        const chunks = rows.count * cols.count * depth.count;
        const traffic = m * k * cols.count + k * n * rows.count + 2 * m * n * (depth.count - 1);
        const share = Math.ceil(chunks / threads) * (macs / chunks);
        const cost = VALUE_COST * traffic + share + 0.5 * (macs / chunks);
        if (cost < bestCost) {
          bestCost = cost;
          best = { chunkRows: rows.side, chunkCols: cols.side, chunkDepth: depth.side, chunksM: rows.count, chunksN: cols.count, chunksK: depth.count };
        }
      }
    }
  }
  return best!;
}

/** `size` in `parts` pieces of a multiple of `align` (the last one shorter): side and count. */
function split(size: number, parts: number, align: number): { side: number; count: number } {
  const side = Math.max(align, Math.ceil(Math.ceil(size / parts) / align) * align);
  return { side, count: Math.max(1, Math.ceil(size / side)) };
}
