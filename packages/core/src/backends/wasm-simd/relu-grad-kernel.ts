import { FunctionWriter, I32, F32, V128, type Local } from './wasm-assembler';

/**
 * reluGrad(dy, x, out, n): the input gradient of Relu over n float32 values (byte pointers; out
 * may not alias the inputs), out = dy * s with s = NaN where x is NaN, else (x > 0 ? 1 : 0).
 * That is tfjs' own gradient, mul(dy, step(x)), operation for operation, so the bits are the
 * same: x <= 0 (and -0) gives dy * 0 (-0 for negative dy, NaN for infinite or NaN dy), and a
 * NaN x gives NaN, as tfjs' Step does. One pass instead of two full-tensor kernels.
 */
export function writeReluGrad(): FunctionWriter {
  const f = new FunctionWriter('reluGrad', [I32, I32, I32, I32]);
  const [dy, x, out, n] = f.params as Local[] as [Local, Local, Local, Local];
  const i = f.local(I32);
  const offset = f.local(I32);
  const vx = f.local(V128);
  const vzero = f.local(V128);
  const vone = f.local(V128);
  const sx = f.local(F32);

  f.v128Zero().set(vzero);
  f.f32(1).f32x4Splat().set(vone);

  // 4 lanes: s = (x > 0) & 1.0, then x itself where x != x (NaN), then dy * s.
  f.i32(0).set(i);
  f.block().loop();
  f.get(n).get(i).i32Sub().i32(4).i32LtS().brIf(1);
  f.get(i).i32(2).i32Shl().set(offset);
  f.get(x).get(offset).i32Add().v128Load().set(vx);
  f.get(out).get(offset).i32Add();
  f.get(dy).get(offset).i32Add().v128Load();
  f.get(vx);
  f.get(vx).get(vzero).f32x4Gt().get(vone).v128And();
  f.get(vx).get(vx).f32x4Ne();
  f.v128Bitselect();
  f.f32x4Mul().v128Store();
  f.addTo(i, 4).br(0).end().end();

  // The last n % 4 values, one at a time, the same way.
  f.block().loop();
  f.get(i).get(n).i32GeS().brIf(1);
  f.get(i).i32(2).i32Shl().set(offset);
  f.get(x).get(offset).i32Add().f32Load().set(sx);
  f.get(out).get(offset).i32Add();
  f.get(dy).get(offset).i32Add().f32Load();
  f.get(sx);
  f.f32(1).f32(0).get(sx).f32(0).f32Gt().select();
  f.get(sx).get(sx).f32Ne();
  f.select();
  f.f32Mul().f32Store();
  f.addTo(i, 1).br(0).end().end();
  return f;
}
