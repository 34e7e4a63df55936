import { F32, FunctionWriter, I32, V128, type Local } from './wasm-assembler';

/**
 * gemm(a, b, c, M, N, K, sam, sak, sbk, scm, accumulate, pack): C[M, N] (+)= A[M, K] B[K, N],
 * f32. `pack` is 0 or a scratch buffer of K * 48 bytes for 12- and 8-column panels of B.
 *
 * All pointers and strides are in bytes. A's element (m, k) is at a + m*sam + k*sak, so a
 * transposed A is just other strides; B's rows are contiguous along n (b + k*sbk + n*4); C's
 * rows along n too (c + m*scm + n*4). With accumulate = 1 the product is added to C.
 *
 * Why not XNNPACK's: tfjs' wasm matMul packs its right operand on every call, and its packing
 * runs at 7-45 ns per element (measured), so an [8, 128] x [128, 384] product or a filter
 * gradient with K = 28800 spends most of its time packing. This kernel reads B in place: tiles
 * of 3 rows x 12 columns held in 9 f32x4 accumulators, each k broadcasting one A element per
 * row against three B vectors; 8- and 4-column panels (in 4-row tiles), single columns and
 * single rows take the remainders.
 */
export interface GemmShape {
  /** Rows of the register tiles of 8- and 4-column panels (4-6: 2 accumulators per row). */
  rows: number;
  /**
   * Columns of the main panels: 12 (3-row tiles, 9 accumulators: 9 multiply-adds per depth
   * step for 6 loads and 3 pointer steps, where 4 x 8 does 8 for 6 and 4; 1.07-1.10x on one
   * thread, measured) or 8 (every panel in `rows`-row tiles). Larger tiles spill in V8 (16 v128
   * registers on x64: 5x8, 6x8 and 4x12 ran at 0.5-0.6x).
   */
  panel?: 8 | 12;
  /** Depth steps per loop iteration. */
  unroll: 1 | 2;
  /** Multiply-adds as relaxed-SIMD f32x4.relaxed_madd (one fused op where the CPU has FMA). */
  fma?: boolean;
}

export const GEMM_SHAPE: GemmShape = { rows: 4, unroll: 1, panel: 12 };

/**
 * `tail`: the function gemmTail, for the last 2-3 rows of a product: the same arguments, but
 * the rows go in 4-row tiles whose rows past M read row M - 1 again and store nothing (a
 * single-row tile does a third of a 4-row one's work per B load; AMDIM's 3x3 RGB filter
 * gradient has 27 rows). A separate function because the same tile inside gemm made V8 compile
 * all of gemm 3-7 % slower (measured).
 */
export function writeGemm(shape: GemmShape = GEMM_SHAPE, tail = false): FunctionWriter {
  const f = new FunctionWriter(tail ? 'gemmTail' : 'gemm', new Array(12).fill(I32));
  const [a, b, c, M, N, K, sam, sak, sbk, scm, accumulate, pack] = f.params as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  // The current column panel of B: its first element and its row stride.
  const pbase = f.local(I32);
  const pstride = f.local(I32);
  const src = f.local(I32);
  const n0 = f.local(I32);
  const m0 = f.local(I32);
  const kk = f.local(I32);
  const bp = f.local(I32);
  const cp = f.local(I32);
  const maxRows = Math.max(4, shape.rows);
  const ap = Array.from({ length: maxRows }, () => f.local(I32));
  const acc = Array.from({ length: maxRows }, () => [f.local(V128), f.local(V128), f.local(V128)]);
  const vb = [f.local(V128), f.local(V128), f.local(V128)];
  const va = f.local(V128);
  const facc = Array.from({ length: maxRows }, () => f.local(F32));
  const fb = f.local(F32);

  const tile = (mr: number, nr: number) => {
    const vectors = nr / 4;
    for (let i = 0; i < mr; i++) {
      f.get(a);
      if (tail && i > 0) {
        // min(m0 + i, M - 1)
        f.get(m0).i32(i).i32Add().get(M).i32(1).i32Sub();
        f.get(m0).i32(i).i32Add().get(M).i32LtS().select();
      } else {
        f.get(m0).i32(i).i32Add();
      }
      f.get(sam).i32Mul().i32Add().set(ap[i]!);
    }
    f.get(pbase).set(bp);
    for (let i = 0; i < mr; i++) {
      if (nr === 1) f.f32(0).set(facc[i]!);
      else for (let j = 0; j < vectors; j++) f.v128Zero().set(acc[i]![j]!);
    }
    // One depth step: B's row (2, 1 or 1/4 vectors), then each row's A element times it.
    const step = () => {
      if (nr === 1) f.get(bp).f32Load().set(fb);
      else for (let j = 0; j < vectors; j++) f.get(bp).v128Load(16 * j).set(vb[j]!);
      for (let i = 0; i < mr; i++) {
        if (nr === 1) {
          f.get(facc[i]!).get(ap[i]!).f32Load().get(fb).f32Mul().f32Add().set(facc[i]!);
        } else {
          f.get(ap[i]!).v128Load32Splat().set(va);
          for (let j = 0; j < vectors; j++) {
            if (shape.fma) f.get(va).get(vb[j]!).get(acc[i]![j]!).f32x4RelaxedMadd().set(acc[i]![j]!);
            else f.get(acc[i]![j]!).get(va).get(vb[j]!).f32x4Mul().f32x4Add().set(acc[i]![j]!);
          }
        }
        f.addTo(ap[i]!, sak);
      }
      f.addTo(bp, pstride);
    };
    f.get(K).set(kk);
    f.block().loop();
    f.get(kk).i32(shape.unroll).i32LtS().brIf(1);
    for (let u = 0; u < shape.unroll; u++) step();
    f.get(kk).i32(shape.unroll).i32Sub().set(kk);
    f.br(0).end().end();
    if (shape.unroll === 2) {
      f.get(kk).if();
      step();
      f.end();
    }
    for (let i = 0; i < mr; i++) {
      if (tail && i > 0) f.get(m0).i32(i).i32Add().get(M).i32LtS().if();
      f.get(c).get(m0).i32(i).i32Add().get(scm).i32Mul().i32Add().get(n0).i32(2).i32Shl().i32Add().set(cp);
      if (nr === 1) {
        f.get(accumulate).if().get(facc[i]!).get(cp).f32Load().f32Add().set(facc[i]!).end();
        f.get(cp).get(facc[i]!).f32Store();
      } else {
        for (let j = 0; j < vectors; j++) {
          f.get(accumulate).if().get(acc[i]![j]!).get(cp).v128Load(16 * j).f32x4Add().set(acc[i]![j]!).end();
          f.get(cp).get(acc[i]![j]!).v128Store(16 * j);
        }
      }
      if (tail && i > 0) f.end();
    }
  };

  // All row tiles of the current column panel: blocks of 4 rows, then single rows. An 8-wide
  // panel is first copied to `pack` (when given) as contiguous 32-byte rows: B's own rows can be
  // 4 KB apart or a multiple of it, and a K x 8 panel read in place then thrashes one L1 set.
  const rows = (nr: number) => {
    f.get(b).get(n0).i32(2).i32Shl().i32Add().set(pbase);
    f.get(sbk).set(pstride);
    if (nr >= 8) {
      f.get(pack).if();
      f.get(pbase).set(src).get(pack).set(bp).get(K).set(kk);
      f.block().loop();
      f.get(kk).i32Eqz().brIf(1);
      for (let j = 0; j < nr / 4; j++) f.get(bp).get(src).v128Load(16 * j).v128Store(16 * j);
      f.addTo(src, sbk).addTo(bp, nr * 4);
      f.get(kk).i32(1).i32Sub().set(kk);
      f.br(0).end().end();
      f.get(pack).set(pbase).i32(nr * 4).set(pstride);
      f.end();
    }
    // 12-column panels go in tiles of 3 rows (a fourth row's 3 accumulators would spill).
    const tileRows = nr === 12 ? 3 : 4;
    f.i32(0).set(m0);
    if (tail) {
      f.block().loop();
      f.get(m0).get(M).i32GeS().brIf(1);
      tile(tileRows, nr);
      f.addTo(m0, tileRows).br(0).end().end();
      return;
    }
    for (const mr of nr === 12 ? [3] : shape.rows > 4 ? [shape.rows, 4] : [4]) {
      f.block().loop();
      f.get(M).get(m0).i32Sub().i32(mr).i32LtS().brIf(1);
      tile(mr, nr);
      f.addTo(m0, mr).br(0).end().end();
    }
    f.block().loop();
    f.get(m0).get(M).i32GeS().brIf(1);
    tile(1, nr);
    f.addTo(m0, 1).br(0).end().end();
  };

  f.i32(0).set(n0);
  const panel = shape.panel ?? 8;
  // Panels of 12 (or 8) columns, then at most one of 8.
  f.block().loop();
  f.get(N).get(n0).i32Sub().i32(panel).i32LtS().brIf(1);
  rows(panel);
  f.addTo(n0, panel).br(0).end().end();
  if (panel === 12) {
    f.get(N).get(n0).i32Sub().i32(8).i32GeS().if();
    rows(8);
    f.addTo(n0, 8).end();
  }
  // One panel of 4 columns.
  f.get(N).get(n0).i32Sub().i32(4).i32GeS().if();
  rows(4);
  f.addTo(n0, 4).end();
  // Single columns.
  f.block().loop();
  f.get(n0).get(N).i32GeS().brIf(1);
  rows(1);
  f.addTo(n0, 1).br(0).end().end();
  return f;
}
