import { F32, FunctionWriter, I32, V128, type Local } from './wasm-assembler';

/**
 * Windows of up to this many rows / columns are summed with one unrolled expression; longer
 * ones add the rest in a loop. AMDIM's pools have 1-4 taps a side (and their gradients 1-2).
 */
const UNROLLED = 4;

/**
 * avgPoolWindows(dst, src, n, srcH, srcW, c, dstH, dstW, rows, cols, scratch, usedW, scale):
 * both directions of an unpadded NHWC average pool as one gather. Every destination pixel is
 * written once:
 *
 *   dst[b, y, x, ch] = scale * sum over i < rowCount[y], j < colCount[x] of
 *                      src[b, rowStart[y] + i, colStart[x] + j, ch]
 *
 * `rows` holds (start, count) i32 pairs per destination row, `cols` per destination column; a
 * count of 0 writes zeros. The forward pool's windows are (o * s, k); its gradient's are the
 * contiguous ranges of output pixels whose windows cover each input pixel, so the gradient
 * needs no zeroing pass and no read-modify-write of dx.
 *
 * Separable: for each destination row the window's source rows are first summed into `scratch`
 * (usedW * c floats: only the first usedW columns are read), then each pixel sums its columns
 * of that row. A destination row whose (start, count) repeats the previous row's is a copy of
 * it (the gradient of a stride-s pool has runs of s such rows). Channels go 4 at a time with a
 * scalar tail, so any c works. Byte pointers, sizes in elements.
 */
export function writeAvgPoolWindows(): FunctionWriter {
  const f = new FunctionWriter('avgPoolWindows', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F32]);
  const [dst, src, n, srcH, srcW, c, dstH, dstW, rows, cols, scratch, usedW, scale] = f.params as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const b = f.local(I32);
  const y = f.local(I32);
  const x = f.local(I32);
  const i = f.local(I32);
  const p = f.local(I32);
  const out = f.local(I32);
  const image = f.local(I32);
  const start = f.local(I32);
  const count = f.local(I32);
  const previousStart = f.local(I32);
  const previousCount = f.local(I32);
  const line = f.local(I32);
  const cBytes = f.local(I32);
  const cVectorBytes = f.local(I32);
  const srcRowBytes = f.local(I32);
  const dstRowBytes = f.local(I32);
  const usedBytes = f.local(I32);
  const usedVectorBytes = f.local(I32);
  const extra = f.local(I32);
  const taps = Array.from({ length: UNROLLED }, () => f.local(I32));
  const vscale = f.local(V128);
  const vsum = f.local(V128);
  const ssum = f.local(F32);

  const vector = {
    load: (at: number) => f.v128Load(at),
    store: (at: number) => f.v128Store(at),
    add: () => f.f32x4Add(),
    mul: () => f.get(vscale).f32x4Mul(),
    acc: vsum,
    bytes: 16,
  };
  const scalar = {
    load: (at: number) => f.f32Load(at),
    store: (at: number) => f.f32Store(at),
    add: () => f.f32Add(),
    mul: () => f.get(scale).f32Mul(),
    acc: ssum,
    bytes: 4,
  };
  type Lane = typeof vector;

  /**
   * Bytes [0, end) of a span: body(lane, offset) handles the element(s) at byte at + offset.
   * Up to vectorEnd 4 vectors a step (one address per step, the rest as constant offsets),
   * then single vectors, then 4 bytes at a time.
   */
  const span = (at: Local, vectorEnd: Local, end: Local, body: (lane: Lane, offset: number) => void) => {
    f.i32(0).set(at);
    f.block().loop();
    f.get(at).i32(4 * vector.bytes).i32Add().get(vectorEnd).i32GtS().brIf(1);
    for (let u = 0; u < 4; u++) body(vector, u * vector.bytes);
    f.addTo(at, 4 * vector.bytes).br(0).end().end();
    for (const [lane, limit] of [[vector, vectorEnd], [scalar, end]] as const) {
      f.block().loop();
      f.get(at).get(limit).i32GeS().brIf(1);
      body(lane, 0);
      f.addTo(at, lane.bytes).br(0).end().end();
    }
  };
  /** Pushes the sum of the values at taps[0..k) + at + offset. */
  const sumTaps = (lane: Lane, k: number, at: Local, offset: number) => {
    for (let t = 0; t < k; t++) {
      f.get(taps[t] as Local).get(at).i32Add();
      lane.load(offset);
      if (t > 0) lane.add();
    }
  };
  /** if (k == first) one(first) else if (k == first + 1) ... else more(): a dispatch on k. */
  const byCount = (k: Local, first: number, one: (taps: number) => void, more: () => void) => {
    for (let t = first; t <= UNROLLED; t++) {
      f.get(k).i32(t).i32Eq().if();
      one(t);
      f.else();
    }
    more();
    for (let t = first; t <= UNROLLED; t++) f.end();
  };
  /** taps[t] = base + t * stride for the unrolled taps. */
  const setTaps = (base: Local, stride: Local) => {
    f.get(base).set(taps[0] as Local);
    for (let t = 1; t < UNROLLED; t++) f.get(taps[t - 1] as Local).get(stride).i32Add().set(taps[t] as Local);
  };

  f.get(scale).f32x4Splat().set(vscale);
  f.get(c).i32(2).i32Shl().set(cBytes);
  f.get(c).i32(-4).i32And().i32(2).i32Shl().set(cVectorBytes);
  f.get(srcW).get(cBytes).i32Mul().set(srcRowBytes);
  f.get(dstW).get(cBytes).i32Mul().set(dstRowBytes);
  f.get(usedW).get(c).i32Mul().tee(usedBytes).i32(-4).i32And().i32(2).i32Shl().set(usedVectorBytes);
  f.get(usedBytes).i32(2).i32Shl().set(usedBytes);
  f.get(dst).set(out);
  f.get(src).set(image);
  f.forLoop(b, n, () => {
    f.i32(-1).set(previousCount);
    f.forLoop(y, dstH, () => {
      f.get(rows).get(y).i32(3).i32Shl().i32Add().tee(p).i32Load().set(start);
      f.get(p).i32Load(4).set(count);
      f.get(start).get(previousStart).i32Eq().get(count).get(previousCount).i32Eq().i32And().if();
      f.get(out).get(out).get(dstRowBytes).i32Sub().get(dstRowBytes).memoryCopy();
      f.addTo(out, dstRowBytes);
      f.else();
      f.get(start).set(previousStart);
      f.get(count).set(previousCount);
      f.get(count).i32Eqz().if();
      f.get(out).i32(0).get(dstRowBytes).memoryFill();
      f.addTo(out, dstRowBytes);
      f.else();
      // line = the window's rows summed (the row itself for a single row).
      f.get(image).get(start).get(srcRowBytes).i32Mul().i32Add().set(line);
      f.get(count).i32(1).i32Ne().if();
      setTaps(line, srcRowBytes);
      const firstRows = (k: number) =>
        span(p, usedVectorBytes, usedBytes, (lane, offset) => {
          f.get(scratch).get(p).i32Add();
          sumTaps(lane, k, p, offset);
          lane.store(offset);
        });
      byCount(count, 2, firstRows, () => {
        firstRows(UNROLLED);
        // Rows past the unrolled ones, one pass each over the scratch row (in L1).
        f.get(line).get(srcRowBytes).i32(UNROLLED).i32Mul().i32Add().set(taps[0] as Local);
        f.i32(UNROLLED).set(i);
        f.block().loop();
        f.get(i).get(count).i32GeS().brIf(1);
        span(p, usedVectorBytes, usedBytes, (lane, offset) => {
          f.get(scratch).get(p).i32Add();
          f.get(scratch).get(p).i32Add();
          lane.load(offset);
          f.get(taps[0] as Local).get(p).i32Add();
          lane.load(offset);
          lane.add();
          lane.store(offset);
        });
        f.addTo(taps[0] as Local, srcRowBytes).addTo(i, 1).br(0).end().end();
      });
      f.get(scratch).set(line);
      f.end();
      // Each pixel: the sum of its window's columns of `line`, times scale.
      f.forLoop(x, dstW, () => {
        f.get(cols).get(x).i32(3).i32Shl().i32Add().tee(p).i32Load().get(cBytes).i32Mul().get(line).i32Add().set(start);
        f.get(p).i32Load(4).set(count);
        setTaps(start, cBytes);
        const pixel = (k: number) =>
          span(p, cVectorBytes, cBytes, (lane, offset) => {
            f.get(out).get(p).i32Add();
            sumTaps(lane, k, p, offset);
            lane.mul();
            lane.store(offset);
          });
        byCount(count, 1, pixel, () => {
          f.get(count).i32Eqz().if();
          f.get(out).i32(0).get(cBytes).memoryFill();
          f.else();
          span(p, cVectorBytes, cBytes, (lane, offset) => {
            sumTaps(lane, UNROLLED, p, offset);
            f.set(lane.acc);
            f.get(taps[UNROLLED - 1] as Local).get(p).i32Add().set(extra);
            f.i32(UNROLLED).set(i);
            f.block().loop();
            f.get(i).get(count).i32GeS().brIf(1);
            f.get(extra).get(cBytes).i32Add().tee(extra);
            lane.load(offset);
            f.get(lane.acc);
            lane.add();
            f.set(lane.acc);
            f.addTo(i, 1).br(0).end().end();
            f.get(out).get(p).i32Add().get(lane.acc);
            lane.mul();
            lane.store(offset);
          });
          f.end();
        });
        f.addTo(out, cBytes);
      });
      f.end();
      f.end();
    });
    f.get(image).get(srcH).get(srcRowBytes).i32Mul().i32Add().set(image);
  });
  return f;
}
