import { FunctionWriter, I32, type Local } from './wasm-assembler';

/** addInto(dst, src, n): dst[i] += src[i] for n float32 values (byte pointers). */
export function writeAddInto(): FunctionWriter {
  const f = new FunctionWriter('addInto', [I32, I32, I32]);
  const [dst, src, n] = f.params as [Local, Local, Local];
  const i = f.local(I32);
  f.i32(0).set(i);
  f.block().loop();
  f.get(n).get(i).i32Sub().i32(4).i32LtS().brIf(1);
  f.get(dst).get(dst).v128Load().get(src).v128Load().f32x4Add().v128Store();
  f.addTo(dst, 16).addTo(src, 16).addTo(i, 4).br(0).end().end();
  f.block().loop();
  f.get(i).get(n).i32GeS().brIf(1);
  f.get(dst).get(dst).f32Load().get(src).f32Load().f32Add().f32Store();
  f.addTo(dst, 4).addTo(src, 4).addTo(i, 1).br(0).end().end();
  return f;
}
