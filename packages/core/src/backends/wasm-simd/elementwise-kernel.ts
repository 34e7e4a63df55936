import { FunctionWriter, F32, I32, V128, type Local } from './wasm-assembler';

/**
 * Elementwise passes that the thread pool splits by rows (see map-ops.ts): byte pointers,
 * counts in float32 values. Each gives the bits of the tfjs wasm kernel it stands in for.
 */

/**
 * relu(x, out, n): out = max(x, 0) taken on the values' bits as signed integers, which is what
 * tfjs' wasm Relu (XNNPACK) computes: every negative number, -0 and a NaN with its sign bit set
 * become +0; positive numbers, +NaN and subnormals pass unchanged.
 */
export function writeRelu(): FunctionWriter {
  const f = new FunctionWriter('relu', [I32, I32, I32]);
  const [x, out, n] = f.params as [Local, Local, Local];
  const i = f.local(I32);
  const v = f.local(I32);
  f.i32(0).set(i);
  f.block().loop();
  f.get(n).get(i).i32Sub().i32(4).i32LtS().brIf(1);
  f.get(out).get(x).v128Load().v128Zero().i32x4MaxS().v128Store();
  f.addTo(x, 16).addTo(out, 16).addTo(i, 4).br(0).end().end();
  f.block().loop();
  f.get(i).get(n).i32GeS().brIf(1);
  f.get(out);
  f.get(x).i32Load().tee(v).i32(0).get(v).i32(0).i32GtS().select();
  f.i32Store();
  f.addTo(x, 4).addTo(out, 4).addTo(i, 1).br(0).end().end();
  return f;
}

/** add(a, b, out, n): out = a + b, operands in that order (NaN operands propagate as in XNNPACK). */
export function writeAdd(): FunctionWriter {
  const f = new FunctionWriter('add', [I32, I32, I32, I32]);
  const [a, b, out, n] = f.params as [Local, Local, Local, Local];
  const i = f.local(I32);
  f.i32(0).set(i);
  f.block().loop();
  f.get(n).get(i).i32Sub().i32(4).i32LtS().brIf(1);
  f.get(out).get(a).v128Load().get(b).v128Load().f32x4Add().v128Store();
  f.addTo(a, 16).addTo(b, 16).addTo(out, 16).addTo(i, 4).br(0).end().end();
  f.block().loop();
  f.get(i).get(n).i32GeS().brIf(1);
  f.get(out).get(a).f32Load().get(b).f32Load().f32Add().f32Store();
  f.addTo(a, 4).addTo(b, 4).addTo(out, 4).addTo(i, 1).br(0).end().end();
  return f;
}

/**
 * addRows(a, b, out, rows, channels, strideA, strideB): out[r, c] = a[r * strideA + c] +
 * b[r * strideB + c] (strides in bytes; 0 repeats one row, e.g. a bias over the last axis),
 * channels a multiple of 4, operands added in the order a + b.
 */
export function writeAddRows(): FunctionWriter {
  const f = new FunctionWriter('addRows', [I32, I32, I32, I32, I32, I32, I32]);
  const [a, b, out, rows, channels, strideA, strideB] = f.params as [Local, Local, Local, Local, Local, Local, Local];
  const r = f.local(I32);
  const c = f.local(I32);
  const rowBytes = f.local(I32);
  f.get(channels).i32(2).i32Shl().set(rowBytes);
  f.forLoop(r, rows, () => {
    f.i32(0).set(c);
    f.block().loop();
    f.get(c).get(rowBytes).i32GeS().brIf(1);
    f.get(out).get(c).i32Add();
    f.get(a).get(c).i32Add().v128Load();
    f.get(b).get(c).i32Add().v128Load();
    f.f32x4Add().v128Store();
    f.addTo(c, 16).br(0).end().end();
    f.addTo(a, strideA).addTo(b, strideB).addTo(out, rowBytes);
  });
  return f;
}

/**
 * copyRows(src, dst, rows, bytes, srcStride, dstStride, padBefore, padAfter, fill): for each row,
 * `padBefore` bytes of `fill`, then `bytes` copied from src, then `padAfter` bytes of `fill`
 * (all multiples of 4), src and dst moving on by their strides. A slice of the last axes and a
 * constant pad of the last axis, row by row, instead of one heap copy call per row.
 */
export function writeCopyRows(): FunctionWriter {
  const f = new FunctionWriter('copyRows', [I32, I32, I32, I32, I32, I32, I32, I32, F32]);
  const [src, dst, rows, bytes, srcStride, dstStride, padBefore, padAfter, fill] = f.params as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const r = f.local(I32);
  const i = f.local(I32);
  const out = f.local(I32);
  const fills = f.local(V128);
  f.get(fill).f32x4Splat().set(fills);
  /** Writes `count` bytes of the fill value at `out`, moving `out` on. */
  const pad = (count: Local) => {
    f.i32(0).set(i);
    f.block().loop();
    f.get(count).get(i).i32Sub().i32(16).i32LtS().brIf(1);
    f.get(out).get(i).i32Add().get(fills).v128Store();
    f.addTo(i, 16).br(0).end().end();
    f.block().loop();
    f.get(i).get(count).i32GeS().brIf(1);
    f.get(out).get(i).i32Add().get(fill).f32Store();
    f.addTo(i, 4).br(0).end().end();
    f.addTo(out, count);
  };
  f.forLoop(r, rows, () => {
    f.get(dst).set(out);
    pad(padBefore);
    f.i32(0).set(i);
    f.block().loop();
    f.get(bytes).get(i).i32Sub().i32(16).i32LtS().brIf(1);
    f.get(out).get(i).i32Add().get(src).get(i).i32Add().v128Load().v128Store();
    f.addTo(i, 16).br(0).end().end();
    f.block().loop();
    f.get(i).get(bytes).i32GeS().brIf(1);
    f.get(out).get(i).i32Add().get(src).get(i).i32Add().i32Load().i32Store();
    f.addTo(i, 4).br(0).end().end();
    f.addTo(out, bytes);
    pad(padAfter);
    f.addTo(src, srcStride).addTo(dst, dstStride);
  });
  return f;
}
