import { FunctionWriter, I32, V128, type Local } from './wasm-assembler';

/**
 * Batch norm's full-tensor passes on [rows, channels] float32 (channels a multiple of 4, byte
 * pointers; per-channel vectors mean, scale, ... of `channels` floats). One group of a grouped
 * batch norm is one call on its rows. The per-channel arithmetic between the passes (1/N,
 * rsqrt, the gradient's k0 and k1) is a few hundred values and stays on the host.
 *
 * Sums run down the rows in blocks of SUM_BLOCK_ROWS: each block is summed into `partial`
 * (channels floats per accumulator, scratch) and then added to the result, so a sum over N
 * rows carries ~(SUM_BLOCK_ROWS + N / SUM_BLOCK_ROWS) roundings instead of N (AMDIM's first
 * batch norm sums 28 800 rows per channel).
 */
export const SUM_BLOCK_ROWS = 64;

/** The loops all five functions share: rows in blocks, channels 4 at a time. */
class ChannelPasses {
  readonly cb: Local;
  readonly rowBytes: Local;
  private readonly r: Local;
  private readonly end: Local;

  constructor(
    readonly f: FunctionWriter,
    private readonly rows: Local,
    channels: Local,
  ) {
    this.cb = f.local(I32);
    this.rowBytes = f.local(I32);
    this.r = f.local(I32);
    this.end = f.local(I32);
    f.get(channels).i32(2).i32Shl().set(this.rowBytes);
  }

  /** body() once per 16-byte channel offset `cb` of a row. */
  channels(body: () => void): void {
    this.f.forLoop(this.cb, this.rowBytes, body, 16);
  }

  /** v128 at base + cb. */
  load(base: Local, extra = 0): void {
    this.f.get(base).get(this.cb).i32Add().v128Load(extra);
  }

  /** Stores the v128 that `value` pushes at base + cb. */
  store(base: Local, value: () => void, extra = 0): void {
    this.f.get(base).get(this.cb).i32Add();
    value();
    this.f.v128Store(extra);
  }

  /**
   * Sums over rows in blocks: `row()` adds one row into the partials (its pointers advanced by
   * `advance()` after each row), `flush()` adds the partials into the results.
   */
  blocked(resetPartials: () => void, row: () => void, advance: () => void, flush: () => void): void {
    const f = this.f;
    f.i32(0).set(this.r);
    f.block().loop();
    f.get(this.r).get(this.rows).i32GeS().brIf(1);
    resetPartials();
    f.get(this.r).i32(SUM_BLOCK_ROWS).i32Add().tee(this.end).get(this.rows).i32GtS().if().get(this.rows).set(this.end).end();
    f.block().loop();
    f.get(this.r).get(this.end).i32GeS().brIf(1);
    row();
    advance();
    f.addTo(this.r, 1).br(0).end().end();
    flush();
    f.br(0).end().end();
  }

  /** Every row once, with the pointers advanced after each. */
  everyRow(row: () => void, advance: () => void): void {
    const f = this.f;
    f.forLoop(this.r, this.rows, () => {
      row();
      advance();
    });
  }
}

/** channelSums(x, rows, channels, partial, out): out[c] = sum over rows of x[r, c]. */
export function writeChannelSums(): FunctionWriter {
  const f = new FunctionWriter('channelSums', [I32, I32, I32, I32, I32]);
  const [x, rows, channels, partial, out] = f.params as [Local, Local, Local, Local, Local];
  const p = new ChannelPasses(f, rows, channels);
  const row = f.local(I32);
  f.get(x).set(row);
  p.channels(() => p.store(out, () => f.v128Zero()));
  p.blocked(
    () => p.channels(() => p.store(partial, () => f.v128Zero())),
    () => p.channels(() => p.store(partial, () => (p.load(partial), p.load(row), f.f32x4Add()))),
    () => f.addTo(row, p.rowBytes),
    () => p.channels(() => p.store(out, () => (p.load(out), p.load(partial), f.f32x4Add()))),
  );
  return f;
}

/** channelSquares(x, mean, rows, channels, partial, out): out[c] = sum of (x[r, c] - mean[c])^2. */
export function writeChannelSquares(): FunctionWriter {
  const f = new FunctionWriter('channelSquares', [I32, I32, I32, I32, I32, I32]);
  const [x, mean, rows, channels, partial, out] = f.params as [Local, Local, Local, Local, Local, Local];
  const p = new ChannelPasses(f, rows, channels);
  const row = f.local(I32);
  const d = f.local(V128);
  f.get(x).set(row);
  p.channels(() => p.store(out, () => f.v128Zero()));
  p.blocked(
    () => p.channels(() => p.store(partial, () => f.v128Zero())),
    () =>
      p.channels(() => {
        p.load(row);
        p.load(mean);
        f.f32x4Sub().set(d);
        p.store(partial, () => (p.load(partial), f.get(d).get(d).f32x4Mul().f32x4Add()));
      }),
    () => f.addTo(row, p.rowBytes),
    () => p.channels(() => p.store(out, () => (p.load(out), p.load(partial), f.f32x4Add()))),
  );
  return f;
}

/** channelAffine(x, mean, scale, shift, rows, channels, y): y = (x - mean) * scale + shift. */
export function writeChannelAffine(): FunctionWriter {
  const f = new FunctionWriter('channelAffine', [I32, I32, I32, I32, I32, I32, I32]);
  const [x, mean, scale, shift, rows, channels, y] = f.params as [Local, Local, Local, Local, Local, Local, Local];
  const p = new ChannelPasses(f, rows, channels);
  const src = f.local(I32);
  const dst = f.local(I32);
  f.get(x).set(src);
  f.get(y).set(dst);
  p.everyRow(
    () =>
      p.channels(() =>
        p.store(dst, () => {
          p.load(src);
          p.load(mean);
          f.f32x4Sub();
          p.load(scale);
          f.f32x4Mul();
          p.load(shift);
          f.f32x4Add();
        }),
      ),
    () => f.addTo(src, p.rowBytes).addTo(dst, p.rowBytes),
  );
  return f;
}

/**
 * channelGradientSums(dy, x, mean, rows, channels, partial, sumDy, sumDyCentered): the two
 * per-channel sums of batch norm's gradient, sum of dy and sum of dy * (x - mean). `partial`
 * holds 2 * channels floats.
 */
export function writeChannelGradientSums(): FunctionWriter {
  const f = new FunctionWriter('channelGradientSums', [I32, I32, I32, I32, I32, I32, I32, I32]);
  const [dy, x, mean, rows, channels, partial, sumDy, sumDyCentered] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local];
  const p = new ChannelPasses(f, rows, channels);
  const dyRow = f.local(I32);
  const xRow = f.local(I32);
  const second = f.local(I32);
  const g = f.local(V128);
  f.get(dy).set(dyRow);
  f.get(x).set(xRow);
  f.get(partial).get(p.rowBytes).i32Add().set(second);
  p.channels(() => {
    p.store(sumDy, () => f.v128Zero());
    p.store(sumDyCentered, () => f.v128Zero());
  });
  p.blocked(
    () =>
      p.channels(() => {
        p.store(partial, () => f.v128Zero());
        p.store(second, () => f.v128Zero());
      }),
    () =>
      p.channels(() => {
        p.load(dyRow);
        f.set(g);
        p.store(partial, () => (p.load(partial), f.get(g).f32x4Add()));
        p.store(second, () => {
          p.load(second);
          f.get(g);
          p.load(xRow);
          p.load(mean);
          f.f32x4Sub().f32x4Mul().f32x4Add();
        });
      }),
    () => f.addTo(dyRow, p.rowBytes).addTo(xRow, p.rowBytes),
    () =>
      p.channels(() => {
        p.store(sumDy, () => (p.load(sumDy), p.load(partial), f.f32x4Add()));
        p.store(sumDyCentered, () => (p.load(sumDyCentered), p.load(second), f.f32x4Add()));
      }),
  );
  return f;
}

/**
 * channelInputGradient(dy, x, mean, s, k1, k0, rows, channels, dx):
 * dx = (dy * s - (x - mean) * k1) - k0, batch norm's input gradient in closed form.
 */
export function writeChannelInputGradient(): FunctionWriter {
  const f = new FunctionWriter('channelInputGradient', [I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [dy, x, mean, s, k1, k0, rows, channels, dx] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const p = new ChannelPasses(f, rows, channels);
  const dyRow = f.local(I32);
  const xRow = f.local(I32);
  const dst = f.local(I32);
  f.get(dy).set(dyRow);
  f.get(x).set(xRow);
  f.get(dx).set(dst);
  p.everyRow(
    () =>
      p.channels(() =>
        p.store(dst, () => {
          p.load(dyRow);
          p.load(s);
          f.f32x4Mul();
          p.load(xRow);
          p.load(mean);
          f.f32x4Sub();
          p.load(k1);
          f.f32x4Mul();
          f.f32x4Sub();
          p.load(k0);
          f.f32x4Sub();
        }),
      ),
    () => f.addTo(dyRow, p.rowBytes).addTo(xRow, p.rowBytes).addTo(dst, p.rowBytes),
  );
  return f;
}

/** The five functions, in the order `SimdKernels` lists them. */
export function writeBatchNormPasses(): FunctionWriter[] {
  return [writeChannelSums(), writeChannelSquares(), writeChannelAffine(), writeChannelGradientSums(), writeChannelInputGradient()];
}
