import { FunctionWriter, I32, V128, type Local } from '@infomax/core';
import { RowLanes } from './simd-row-lanes';

/** A v128 constant of four equal float32 lanes. */
export const f32x4 = (value: number): Float32Array => new Float32Array(4).fill(value);
/** A v128 constant of four equal int32 lanes. */
export const i32x4 = (value: number): Int32Array => new Int32Array(4).fill(value);

// Below this, k = nearest(x / ln2) would leave the exponent range; the clamp makes it -126,
// whose 2^(k - 1) is +0. Above HIGHEST (the largest float32 under ln(largest float32)), the
// result is no longer finite.
export const EXP_LOWEST = -87.5;
export const EXP_HIGHEST = 88.72283172607422;
// 1.5 * 2^23: adding it to |y| < 2^22 rounds y to an integer held in the low mantissa bits.
const SHIFTER = 12582912;
// ln 2 = LN2_HIGH + LN2_LOW, LN2_HIGH with 9 significant bits so that k * LN2_HIGH is exact.
const LN2_HIGH = 0.693359375;
const LN2_LOW = Math.LN2 - LN2_HIGH;

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/**
 * What the caller knows of the inputs: 'any' (clamped, and +Infinity above the largest finite
 * result); 'below-highest' (only the underflow clamp, for arguments that are <= 0 wherever the
 * result is used); 'in-range' (no clamps: every used lane lies in [EXP_LOWEST, EXP_HIGHEST]).
 * Lanes outside what the caller promised give unspecified values, never a trap.
 */
export type ExpRange = 'any' | 'below-highest' | 'in-range';

export interface VectorExpOptions {
  /** Multiply-adds by relaxed SIMD's f32x4.relaxed_madd (engines with relaxed SIMD only). */
  fma: boolean;
}

// Of the Taylor polynomial of exp(r), |r| <= ln2 / 2: 6 measured 2.4e-7 at worst, 5 3.3e-6.
const DEGREE = 6;
// 2 / i!: the polynomial gives 2 exp(r), which pairs with 2^(k - 1) so that k can reach 128.
const COEFFICIENTS = Array.from({ length: DEGREE + 1 }, (_, i) => 2 / factorial(i));

/**
 * exp on 4 float32 lanes, emitted inline into a wasm function (no calls, no tables):
 * x = k ln2 + r with k = nearest(x / ln2) and |r| <= ln2 / 2, exp(r) by its Taylor polynomial
 * of degree 6 (truncation r^7 / 7! < 1.2e-7 relative), and 2^k built straight in the exponent
 * bits. ~25 instructions per 4 lanes, ~17 with fused multiply-adds.
 *
 * Accuracy (measured by the tests against Math.exp): relative error < 4e-7 wherever the result
 * is a normal float32. With range 'any', the ends, chosen so that no lane overflows or wraps:
 * - x below ~ -86.99 (results under ~2.1e-38, about twice the smallest normal float32) and
 *   -Infinity give exactly 0: an absolute error under 2.1e-38 (the softmax weights and tanh
 *   this serves have no use for subnormals);
 * - x above 88.7228 (where exp passes the largest float32) and +Infinity give +Infinity;
 * - NaN gives NaN.
 */
export class VectorExp {
  private readonly x: Local;
  private readonly k: Local;
  private readonly kf: Local;
  private readonly r: Local;

  constructor(
    private readonly f: FunctionWriter,
    private readonly options: VectorExpOptions,
  ) {
    this.x = f.local(V128);
    this.k = f.local(V128);
    this.kf = f.local(V128);
    this.r = f.local(V128);
  }

  /** Pops x (4 float32 lanes), pushes exp(x). */
  emit(range: ExpRange = 'any'): void {
    this.write(range, false);
  }

  /**
   * Pops x, pushes exp(x) - 1 with its relative precision kept near 0 (where forming exp(x)
   * and subtracting 1 would cancel): 2^(k - 1) q(r) + (2^k - 1), q the polynomial without its
   * constant term, exact 2^k - 1 for the small k near 0. -1 at the low end, the ends otherwise
   * as `emit`'s. Measured relative error < 5.5e-7, the worst where k turns from 0 to +-1
   * (x ~ +-0.35: 2^k - 1 and the polynomial term cancel a little there).
   */
  emitExpm1(range: ExpRange = 'any'): void {
    this.write(range, true);
  }

  private write(range: ExpRange, minusOne: boolean): void {
    const { f, x, k, kf, r } = this;
    // Constants inline rather than in locals: no slower, and they take no registers from the
    // kernels around (measured: the kernels without clip ran ~20% faster so).
    const c = (value: number) => f.v128Const(f32x4(value));
    // a * b + c, the operands pushed in that order.
    const madd = () => (this.options.fma ? f.f32x4RelaxedMadd() : f.f32x4Add());
    const mulOrNothing = () => (this.options.fma ? undefined : f.f32x4Mul());
    f.set(x);
    f.get(x);
    // pmax / pmin with x as the first operand pass a NaN x through.
    if (range !== 'in-range') {
      c(EXP_LOWEST);
      f.f32x4Pmax();
    }
    if (range === 'any') {
      c(EXP_HIGHEST);
      f.f32x4Pmin();
    }
    f.tee(r);
    c(Math.LOG2E);
    mulOrNothing();
    c(SHIFTER);
    madd();
    f.tee(k);
    c(SHIFTER);
    f.f32x4Sub().set(kf);
    // r = x - k ln2 in two steps; k * LN2_HIGH is exact, fused or not.
    f.get(kf);
    c(-LN2_HIGH);
    mulOrNothing();
    f.get(r);
    madd();
    f.set(r);
    f.get(kf);
    c(-LN2_LOW);
    mulOrNothing();
    f.get(r);
    madd();
    f.set(r);
    c(COEFFICIENTS[DEGREE]!);
    for (let i = DEGREE - 1; i >= (minusOne ? 1 : 0); i--) {
      f.get(r);
      mulOrNothing();
      c(COEFFICIENTS[i]!);
      madd();
    }
    if (minusOne) f.get(r).f32x4Mul();
    // 2^(k - 1) as bits, (k + 126) << 23: the shifter's bits drop out of the shift (its low 9
    // bits are zero), so k's lanes need no unbiasing. k = -126 gives +0, the underflow to 0.
    f.get(k).v128Const(i32x4(126)).i32x4Add().i32(23).i32x4Shl();
    if (minusOne) {
      f.tee(kf).get(kf).get(kf).f32x4Add();
      c(1);
      f.f32x4Sub();
      if (this.options.fma) f.f32x4RelaxedMadd();
      else f.set(k).f32x4Mul().get(k).f32x4Add();
    } else {
      f.f32x4Mul();
    }
    if (range === 'any') {
      f.set(r);
      c(Number.POSITIVE_INFINITY);
      f.get(r);
      f.get(x);
      c(EXP_HIGHEST);
      f.f32x4Gt();
      f.v128Bitselect();
    }
  }
}

/** expArray / expm1Array (x, out, n): the vector exp or expm1 over n float32, for the tests. */
export function writeExpArray(options: VectorExpOptions, minusOne = false): FunctionWriter {
  const f = new FunctionWriter(minusOne ? 'expm1Array' : 'expArray', [I32, I32, I32]);
  const [x, out, n] = f.params as [Local, Local, Local];
  const lanes = new RowLanes(f, n);
  const exp = new VectorExp(f, options);
  const y = f.local(V128);
  lanes.row(
    (partial) => {
      lanes.loadF32(x, partial);
      if (minusOne) exp.emitExpm1();
      else exp.emit();
      f.set(y);
      lanes.storeF32(out, y, partial);
    },
    () => f.addTo(x, 16).addTo(out, 16),
  );
  return f;
}
