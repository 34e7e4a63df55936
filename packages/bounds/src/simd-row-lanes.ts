import { type FunctionWriter, I32, V128, type Local } from '@infomax/core';

/** The mask dtypes the fused InfoNCE kernels accept; bool masks are one byte an entry. */
export type MaskDtype = 'float32' | 'int32' | 'bool';
export const MASK_DTYPES: readonly MaskDtype[] = ['float32', 'int32', 'bool'];
export const MASK_BYTES: Record<MaskDtype, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * Walks a row of `columns` entries 4 lanes at a time, then its last 1-3 entries as one partial
 * vector: loads fill the lanes past the row with zeros and stores leave them out, and `valid`
 * marks the lanes inside the row. One code path for every row length, and nothing read or
 * written past a row (the last row ends where its tensor does).
 */
export class RowLanes {
  /** The column of lane 0. */
  readonly column: Local;
  /** In a partial vector, all-ones in the lanes inside the row. */
  readonly valid: Local;
  private readonly tail: Local;
  private readonly staged: Local;

  constructor(
    private readonly f: FunctionWriter,
    private readonly columns: Local,
  ) {
    this.column = f.local(I32);
    this.tail = f.local(I32);
    this.valid = f.local(V128);
    this.staged = f.local(V128);
  }

  /**
   * body(partial) for each vector of the row; `advance()` moves the caller's pointers past a
   * full vector (after a partial one the row is done).
   */
  row(body: (partial: boolean) => void, advance: () => void): void {
    const { f, column, columns, tail } = this;
    f.i32(0).set(column);
    f.block().loop();
    f.get(column).i32(4).i32Add().get(columns).i32GtS().brIf(1);
    body(false);
    advance();
    f.addTo(column, 4).br(0).end().end();
    f.get(columns).get(column).i32Sub().tee(tail).if();
    f.v128Const(new Int32Array([0, 1, 2, 3])).get(tail).i32x4Splat().i32x4LtS().set(this.valid);
    body(true);
    f.end();
  }

  /** Pushes 4 float32 at byte address p (a partial vector: the row's lanes, zeros after). */
  loadF32(p: Local, partial: boolean): void {
    if (!partial) {
      this.f.get(p).v128Load();
      return;
    }
    this.partialLoad((lane) => this.f.get(p).f32Load(4 * lane).f32x4ReplaceLane(lane));
  }

  /** Stores the float32 lanes of `value` at byte address p (a partial vector: the row's lanes only). */
  storeF32(p: Local, value: Local, partial: boolean): void {
    const f = this.f;
    if (!partial) {
      f.get(p).get(value).v128Store();
      return;
    }
    this.forLanes(true, (lane) => f.get(p).get(value).f32x4ExtractLane(lane).f32Store(4 * lane));
  }

  /** body(lane) for each lane inside the row: all 4 of a full vector, the first `tail` of a partial one. */
  forLanes(partial: boolean, body: (lane: number) => void): void {
    const f = this.f;
    body(0);
    for (const lane of [1, 2, 3]) {
      if (!partial) {
        body(lane);
        continue;
      }
      if (lane === 3) break;
      f.get(this.tail).i32(lane).i32GtS().if();
      body(lane);
      f.end();
    }
  }

  /**
   * Pushes which of 4 mask entries at byte address p are positive (non-zero), as lane masks.
   * Float masks compare as floats (-0 is zero, NaN is not), others by their bits; a bool mask's
   * bytes are widened to 32-bit lanes first.
   */
  loadPositive(dtype: MaskDtype, p: Local, partial: boolean): void {
    const f = this.f;
    if (!partial) {
      if (dtype === 'bool') f.get(p).v128Load32Zero().i16x8ExtendLowI8x16U().i32x4ExtendLowI16x8U();
      else f.get(p).v128Load();
    } else if (dtype === 'float32') {
      this.partialLoad((lane) => f.get(p).f32Load(4 * lane).f32x4ReplaceLane(lane));
    } else {
      this.partialLoad((lane) => {
        f.get(p);
        if (dtype === 'bool') f.i32Load8U(lane);
        else f.i32Load(4 * lane);
        f.i32x4ReplaceLane(lane);
      });
    }
    f.v128Zero();
    if (dtype === 'float32') f.f32x4Ne();
    else f.i32x4Ne();
  }

  /** Lanes 0..tail-1 by `replace(lane)` (which pops the vector and pushes it back), over zeros. */
  private partialLoad(replace: (lane: number) => void): void {
    const f = this.f;
    f.v128Zero();
    replace(0);
    f.set(this.staged);
    for (const lane of [1, 2]) {
      f.get(this.tail).i32(lane).i32GtS().if();
      f.get(this.staged);
      replace(lane);
      f.set(this.staged);
      f.end();
    }
    f.get(this.staged);
  }
}
