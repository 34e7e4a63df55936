import { F32, FunctionWriter, I32, V128, type Local } from '@infomax/core';
import { STATS } from './info-nce-simd-layout';
import { MASK_BYTES, RowLanes, type MaskDtype } from './simd-row-lanes';
import { f32x4, VectorExp, type VectorExpOptions } from './vector-exp';
import { VectorLog1p } from './vector-log1p';

/**
 * The forward kernel's wasm half, in two calls with the host between them:
 *
 * 1. rows (`forwardRows_<dtype>` without clip, `forwardRowsTanh_<dtype>` with): per row,
 *    t = clip tanh(s / clip) (or s), max = the max of t over the negatives, e = exp(t - max)
 *    on the negatives, their float64 sum, weights = e dt/ds / sum on the negatives (0 on the
 *    positives), the float64 sum of squared scores, and each positive's flat index and t
 *    appended to the `positives` / `positiveT` lists; the row's record in `stats` (see STATS).
 * 2. the host: per row log(sum) into the record (float64, a Math.log a row).
 * 3. `forwardPositives`: per positive, z = lse - t with lse = max + log(sum); its softplus(z)
 *    summed per row (float64) into the record, and its weight (1 - sigma) dt/ds scattered into
 *    `weights`; per row the sum of (1 - sigma) into `rowWeights`.
 *
 * Tried and dropped: one pass a row with the clip as the shift (t <= clip, so exp(t - clip)
 * cannot overflow): ~20% slower than the two passes below, which need fewer live vectors.
 */

// tanh(y / 2) is +-1 in float32 beyond |y| = 30 (1 - tanh(15) ~ 2e-13), and exp(+-30) is
// well inside exp's range: clamping y there lets the exponential skip its own clamps.
const TANH_ARGUMENT_LIMIT = 30;

// Lanes 2, 3 moved to 0, 1 (for promoting the high half to float64).
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
// Lane swaps for horizontal reductions: halves, then neighbours.
const SWAP_HALVES = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
const SWAP_NEIGHBOURS = [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11];
const LANE_0 = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3];

/** acc (f64x2) += the 4 float32 lanes of v, each widened before the add. */
function addWidened(f: FunctionWriter, acc: Local, v: Local): void {
  f.get(acc).get(v).f64x2PromoteLowF32x4().f64x2Add();
  f.get(v).get(v).i8x16Shuffle(HIGH_HALF).f64x2PromoteLowF32x4().f64x2Add().set(acc);
}

/** A v128 local of 4 lanes of `value` (a number, or an f32 local), set where this is called. */
function splat(f: FunctionWriter, value: Local | number): Local {
  const local = f.local(V128);
  if (typeof value === 'number') f.f32(value);
  else f.get(value);
  f.f32x4Splat().set(local);
  return local;
}

/**
 * forwardRows_<dtype>(scores, mask, weights, stats, positives, positiveT, rows, columns, clip)
 * (clip ignored) and forwardRowsTanh_<dtype> (same parameters, clip > 0): two versions rather
 * than a branch in the loops, which cost V8's register allocator dearly (measured).
 */
class ForwardRows {
  readonly f: FunctionWriter;
  private readonly p: {
    scores: Local; mask: Local; weights: Local; stats: Local; positives: Local; positiveT: Local; rows: Local; columns: Local; clip: Local;
  };
  private readonly lanes: RowLanes;
  private readonly exp: VectorExp;
  private readonly maskBytes: number;
  // Row state.
  private readonly n: Local;
  private readonly rowBase: Local;
  private readonly rowPositives: Local;
  private readonly ps: Local;
  private readonly pw: Local;
  private readonly pm: Local;
  private readonly bits: Local;
  private readonly record: Local;
  private readonly max: Local;
  private readonly sum: Local;
  private readonly squares: Local;
  // Per vector.
  private readonly s: Local;
  private readonly r: Local;
  private readonly t: Local;
  private readonly positive: Local;
  private readonly e: Local;
  private readonly temp: Local;
  // The clip's splats.
  private readonly vClip: Local;
  private readonly vTwoOverClip: Local;

  constructor(
    private readonly dtype: MaskDtype,
    options: VectorExpOptions,
    private readonly clipped: boolean,
  ) {
    const name = clipped ? `forwardRowsTanh_${dtype}` : `forwardRows_${dtype}`;
    const f = (this.f = new FunctionWriter(name, [I32, I32, I32, I32, I32, I32, I32, I32, F32]));
    const [scores, mask, weights, stats, positives, positiveT, rows, columns, clip] = f.params as Local[] as [
      Local, Local, Local, Local, Local, Local, Local, Local, Local,
    ];
    this.p = { scores, mask, weights, stats, positives, positiveT, rows, columns, clip };
    this.maskBytes = MASK_BYTES[dtype];
    this.lanes = new RowLanes(f, columns);
    this.exp = new VectorExp(f, options);
    [this.n, this.rowBase, this.rowPositives, this.ps, this.pw, this.pm, this.bits, this.record] = Array.from({ length: 8 }, () =>
      f.local(I32),
    ) as [Local, Local, Local, Local, Local, Local, Local, Local];
    [this.max, this.sum, this.squares, this.s, this.r, this.t, this.positive, this.e, this.temp] = Array.from({ length: 9 }, () =>
      f.local(V128),
    ) as [Local, Local, Local, Local, Local, Local, Local, Local, Local];
    this.vClip = splat(f, clip);
    this.vTwoOverClip = f.local(V128);
    f.f32(2).get(clip).f32Div().f32x4Splat().set(this.vTwoOverClip);
  }

  private rowStart(): void {
    const { f, p, rowBase } = this;
    f.get(p.scores).get(rowBase).i32(2).i32Shl().i32Add().set(this.ps);
    f.get(p.weights).get(rowBase).i32(2).i32Shl().i32Add().set(this.pw);
    f.get(p.mask).get(rowBase).i32(this.maskBytes).i32Mul().i32Add().set(this.pm);
  }

  private readonly advance = () => {
    this.f.addTo(this.ps, 16).addTo(this.pw, 16).addTo(this.pm, 4 * this.maskBytes);
  };

  /**
   * r = tanh(s / c) = m / (m + 2), m = expm1(2s / c): one exponential, right at both ends, and
   * with tanh's relative precision near 0, where 1 - 2 / (exp(2s / c) + 1) would lose it (an
   * absolute error of 6e-8 in r, 6e-6 in t at clip 100: measured).
   */
  private tanh(): void {
    const f = this.f;
    f.get(this.s).get(this.vTwoOverClip).f32x4Mul().v128Const(f32x4(-TANH_ARGUMENT_LIMIT)).f32x4Pmax().v128Const(f32x4(TANH_ARGUMENT_LIMIT)).f32x4Pmin();
    this.exp.emitExpm1('in-range');
    f.tee(this.r).get(this.r).v128Const(f32x4(2)).f32x4Add().f32x4Div().set(this.r);
  }

  /** The loaded scores' squares into the row's float64 sum. */
  private addSquares(): void {
    this.f.get(this.s).get(this.s).f32x4Mul().set(this.temp);
    addWidened(this.f, this.squares, this.temp);
  }

  /** Appends each positive lane's flat index and t. Positives are a few percent: lane by lane, only where there are any. */
  private recordPositives(): void {
    const { f, p } = this;
    f.get(this.positive).i32x4Bitmask().tee(this.bits).if();
    for (let lane = 0; lane < 4; lane++) {
      f.get(this.bits).i32(1 << lane).i32And().if();
      f.get(p.positives).get(this.rowBase).get(this.lanes.column).i32Add().i32(lane).i32Add().i32Store();
      f.get(p.positiveT).get(this.t).f32x4ExtractLane(lane).f32Store();
      f.addTo(p.positives, 4).addTo(p.positiveT, 4).addTo(this.rowPositives, 1);
      f.end();
    }
    f.end();
  }

  /** On a row with negatives (else sum is 0): weights *= 1 / sum, one float64 reciprocal. */
  private normalise(): void {
    const { f, p } = this;
    f.get(p.columns).get(this.rowPositives).i32GtS().if();
    f.v128Const(new Float64Array([1, 1]));
    f.get(this.sum).get(this.sum).get(this.sum).i8x16Shuffle(SWAP_HALVES).f64x2Add();
    f.f64x2Div().f32x4DemoteF64x2Zero().tee(this.temp).get(this.temp).i8x16Shuffle(LANE_0).set(this.temp);
    this.rowStart();
    this.lanes.row((partial) => {
      this.lanes.loadF32(this.pw, partial);
      f.get(this.temp).f32x4Mul().set(this.e);
      this.lanes.storeF32(this.pw, this.e, partial);
    }, this.advance);
    f.end();
  }

  private writeStats(): void {
    const { f, p } = this;
    const record = this.record;
    f.get(p.stats).get(this.n).i32(STATS.BYTES).i32Mul().i32Add().set(record);
    f.get(record).get(this.sum).v128Store(STATS.SUM);
    f.get(record).get(this.squares).v128Store(STATS.SQUARES);
    f.get(record).get(this.max).f32x4ExtractLane(0).f32Store(STATS.MAX);
    f.get(record).get(this.rowPositives).i32Store(STATS.POSITIVES);
  }

  /** Every row: reset, `passes()`, then the record. */
  private eachRow(passes: () => void): FunctionWriter {
    const { f, p } = this;
    f.forLoop(this.n, p.rows, () => {
      f.get(this.n).get(p.columns).i32Mul().set(this.rowBase);
      f.v128Zero().set(this.sum);
      f.v128Zero().set(this.squares);
      f.i32(0).set(this.rowPositives);
      passes();
      this.writeStats();
    });
    return f;
  }

  /**
   * Two passes, shift = the max of t over the negatives: the first writes u = t on the
   * negatives and -Infinity elsewhere into weights (and finds the max), the second turns u into
   * e = exp(u - max) (0 where u = -Infinity) times dt/ds.
   */
  write(): FunctionWriter {
    const { f, lanes, clipped } = this;
    const minusInfinity = () => f.v128Const(f32x4(Number.NEGATIVE_INFINITY));
    const inverseClip = f.local(V128);
    f.f32(1).get(this.p.clip).f32Div().f32x4Splat().set(inverseClip);
    return this.eachRow(() => {
      minusInfinity();
      f.set(this.max);
      this.rowStart();
      lanes.row((partial) => {
        lanes.loadF32(this.ps, partial);
        f.set(this.s);
        if (clipped) {
          this.tanh();
          f.get(this.r).get(this.vClip).f32x4Mul().set(this.t);
        } else {
          f.get(this.s).set(this.t);
        }
        lanes.loadPositive(this.dtype, this.pm, partial);
        f.set(this.positive);
        // u: t on the negatives, -Infinity on the positives and past the row.
        if (partial) {
          f.get(this.t);
          minusInfinity();
          f.get(lanes.valid).get(this.positive).v128Andnot();
        } else {
          minusInfinity();
          f.get(this.t).get(this.positive);
        }
        f.v128Bitselect().set(this.e);
        lanes.storeF32(this.pw, this.e, partial);
        f.get(this.max).get(this.e).f32x4Pmax().set(this.max);
        this.addSquares();
        this.recordPositives();
      }, this.advance);
      for (const swap of [SWAP_HALVES, SWAP_NEIGHBOURS]) f.get(this.max).get(this.max).get(this.max).i8x16Shuffle(swap).f32x4Pmax().set(this.max);

      // Only on rows with negatives: else max is -Infinity and every entry a positive the host writes.
      f.get(this.p.columns).get(this.rowPositives).i32GtS().if();
      this.rowStart();
      lanes.row((partial) => {
        lanes.loadF32(this.pw, partial);
        f.tee(this.t);
        // u - max <= 0, or -Infinity, in every lane that counts.
        f.get(this.max).f32x4Sub();
        this.exp.emit('below-highest');
        if (partial) f.get(lanes.valid).v128And();
        f.set(this.e);
        addWidened(f, this.sum, this.e);
        if (clipped) {
          // dt/ds = 1 - (t / c)^2; the max with -1 makes it 0 where u = -Infinity (not NaN).
          f.v128Const(f32x4(1)).get(this.t).get(inverseClip).f32x4Mul().v128Const(f32x4(-1)).f32x4Pmax();
          f.tee(this.temp).get(this.temp).f32x4Mul().f32x4Sub();
          f.get(this.e).f32x4Mul().set(this.e);
        }
        lanes.storeF32(this.pw, this.e, partial);
      }, this.advance);
      f.end();
      this.normalise();
    });
  }
}

export function writeForwardRows(dtype: MaskDtype, options: VectorExpOptions, clipped: boolean): FunctionWriter {
  return new ForwardRows(dtype, options, clipped).write();
}

/**
 * forwardPositives(stats, positives, positiveT, weights, rowWeights, rows, clip): step 3 above,
 * row by row over the lists the rows pass appended (STATS.POSITIVES entries each).
 */
export function writeForwardPositives(options: VectorExpOptions): FunctionWriter {
  const f = new FunctionWriter('forwardPositives', [I32, I32, I32, I32, I32, I32, F32]);
  const [stats, positives, positiveT, weights, rowWeights, rows, clip] = f.params as Local[] as [
    Local, Local, Local, Local, Local, Local, Local,
  ];
  const count = f.local(I32);
  const lanes = new RowLanes(f, count);
  const exp = new VectorExp(f, options);
  const log1p = new VectorLog1p(f, options);
  const [n, record, clipped, tailBytes] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const [shift, logSum, t, z, e, softplus, oneMinusSigma, softplusSum, oneMinusSigmaSum] = Array.from({ length: 9 }, () => f.local(V128)) as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const zero = f.local(V128);
  f.v128Zero().set(zero);
  const one = splat(f, 1);
  const inverseClip = f.local(V128);
  f.f32(1).get(clip).f32Div().f32x4Splat().set(inverseClip);
  f.get(clip).f32(0).f32Gt().set(clipped);

  f.forLoop(n, rows, () => {
    f.get(stats).get(n).i32(STATS.BYTES).i32Mul().i32Add().set(record);
    f.get(record).i32Load(STATS.POSITIVES).set(count);
    f.get(record).f32Load(STATS.MAX).f32x4Splat().set(shift);
    f.get(record).f32Load(STATS.LOG_SUM).f32x4Splat().set(logSum);
    f.v128Zero().set(softplusSum);
    f.v128Zero().set(oneMinusSigmaSum);
    lanes.row(
      (partial) => {
        lanes.loadF32(positiveT, partial);
        // z = lse - t as (shift - t) + log(sum): shift - t is exact where they are close, so
        // a large lse (scores of 1e4) keeps z's small digits.
        f.set(t);
        f.get(shift).get(t).f32x4Sub().get(logSum).f32x4Add().set(z);
        // e = exp(-|z|); softplus(z) = max(z, 0) + log1p(e); 1 - sigma = sigmoid(z) = (z < 0 ? e : 1) / (1 + e).
        f.get(z).get(zero).get(z).f32x4Sub().f32x4Pmin();
        exp.emit('below-highest');
        f.set(e);
        f.get(z).get(zero).f32x4Pmax().get(e);
        log1p.emit();
        f.f32x4Add().set(softplus);
        f.get(e).get(one).get(zero).get(z).f32x4Gt().v128Bitselect();
        f.get(one).get(e).f32x4Add().f32x4Div().set(oneMinusSigma);
        if (partial) {
          for (const v of [softplus, oneMinusSigma]) f.get(v).get(lanes.valid).v128And().set(v);
        }
        addWidened(f, softplusSum, softplus);
        addWidened(f, oneMinusSigmaSum, oneMinusSigma);
        // The weight (1 - sigma) dt/ds, scattered to the positive's place.
        f.get(clipped).if();
        f.get(oneMinusSigma).get(one).get(t).get(inverseClip).f32x4Mul().tee(e).get(e).f32x4Mul().f32x4Sub().f32x4Mul().set(oneMinusSigma);
        f.end();
        lanes.forLanes(partial, (lane) => {
          f.get(weights).get(positives).i32Load(4 * lane).i32(2).i32Shl().i32Add();
          f.get(oneMinusSigma).f32x4ExtractLane(lane).f32Store();
        });
      },
      () => f.addTo(positives, 16).addTo(positiveT, 16),
    );
    // After a partial vector the list pointers still stand at its start.
    f.get(count).i32(3).i32And().i32(2).i32Shl().set(tailBytes);
    f.addTo(positives, tailBytes).addTo(positiveT, tailBytes);
    f.get(record).get(softplusSum).v128Store(STATS.SUM);
    f.get(rowWeights).get(n).i32(2).i32Shl().i32Add();
    f.get(oneMinusSigmaSum).get(oneMinusSigmaSum).get(oneMinusSigmaSum).i8x16Shuffle(SWAP_HALVES).f64x2Add();
    f.f32x4DemoteF64x2Zero().f32x4ExtractLane(0).f32Store();
  });
  return f;
}
