import { FunctionWriter, I32, V128, type Local } from '@infomax/core';
import { RowLanes } from './simd-row-lanes';
import { f32x4 } from './vector-exp';

// 1 / (2i + 1): log1p(x) = 2 atanh(y) = 2 (y + y^3 / 3 + y^5 / 5 + ...), y = x / (2 + x).
const TERMS = 7;
const COEFFICIENTS = Array.from({ length: TERMS }, (_, i) => 1 / (2 * i + 1));

/**
 * log(1 + x) on 4 float32 lanes for x in [0, 1] (what softplus needs: x = exp(-|z|)), emitted
 * inline. y = x / (2 + x) has no cancellation (unlike forming 1 + x, which loses a small x), so
 * the result keeps its relative precision down to the smallest x; with y <= 1/3 the series
 * stopped after y^13 / 13 leaves under 2e-8 relative. Relative error < 4e-7 (the tests measure
 * it through the softplus of the InfoNCE loss). Outside [0, 1]: unspecified.
 */
export class VectorLog1p {
  private readonly y: Local;
  private readonly y2: Local;

  constructor(
    private readonly f: FunctionWriter,
    private readonly options: { fma: boolean },
  ) {
    this.y = f.local(V128);
    this.y2 = f.local(V128);
  }

  /** Pops x, pushes log(1 + x). */
  emit(): void {
    const { f, y, y2 } = this;
    f.tee(y).v128Const(f32x4(2)).get(y).f32x4Add().f32x4Div().tee(y).get(y).f32x4Mul().set(y2);
    f.v128Const(f32x4(COEFFICIENTS[TERMS - 1]!));
    for (let i = TERMS - 2; i >= 0; i--) {
      f.get(y2);
      if (this.options.fma) {
        f.v128Const(f32x4(COEFFICIENTS[i]!)).f32x4RelaxedMadd();
      } else {
        f.f32x4Mul().v128Const(f32x4(COEFFICIENTS[i]!)).f32x4Add();
      }
    }
    f.get(y).f32x4Mul().v128Const(f32x4(2)).f32x4Mul();
  }
}

/** log1pArray(x, out, n): the vector log1p over n float32 in [0, 1], for the tests. */
export function writeLog1pArray(options: { fma: boolean }): FunctionWriter {
  const f = new FunctionWriter('log1pArray', [I32, I32, I32]);
  const [x, out, n] = f.params as [Local, Local, Local];
  const lanes = new RowLanes(f, n);
  const log1p = new VectorLog1p(f, options);
  const y = f.local(V128);
  lanes.row(
    (partial) => {
      lanes.loadF32(x, partial);
      log1p.emit();
      f.set(y);
      lanes.storeF32(out, y, partial);
    },
    () => f.addTo(x, 16).addTo(out, 16),
  );
  return f;
}
