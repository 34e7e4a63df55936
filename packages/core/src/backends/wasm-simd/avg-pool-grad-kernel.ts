import { F32, FunctionWriter, I32, V128, type Local } from './wasm-assembler';

/**
 * avgPoolGrad(dx, dy, n, h, w, c, kh, kw, oh, ow, sh, sw, scale): the input gradient of an
 * unpadded NHWC average pool, dx[b, y*sh + i, x*sw + j, ch] += scale * dy[b, y, x, ch] for every
 * output pixel and tap (scale = 1 / (kh * kw)). dx must be zeroed first. Byte pointers, sizes
 * in elements. It adds each dy row of c channels into kh * kw rows of dx, 4 channels at a time.
 */
export function writeAvgPoolGrad(): FunctionWriter {
  const f = new FunctionWriter('avgPoolGrad', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F32]);
  const [dx, dy, n, h, w, c, kh, kw, oh, ow, sh, sw, scale] = f.params as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const b = f.local(I32);
  const y = f.local(I32);
  const x = f.local(I32);
  const i = f.local(I32);
  const j = f.local(I32);
  const ch = f.local(I32);
  const src = f.local(I32);
  const row = f.local(I32);
  const dst = f.local(I32);
  const chBytes = f.local(I32);
  const vscale = f.local(V128);

  f.get(scale).f32x4Splat().set(vscale);
  f.get(c).i32(2).i32Shl().set(chBytes);
  f.get(dy).set(src);
  f.forLoop(b, n, () =>
    f.forLoop(y, oh, () =>
      f.forLoop(x, ow, () => {
        f.forLoop(i, kh, () =>
          f.forLoop(j, kw, () => {
            // dst = dx + ((b*h + y*sh + i) * w + x*sw + j) * c * 4
            f.get(b).get(h).i32Mul().get(y).get(sh).i32Mul().i32Add().get(i).i32Add().get(w).i32Mul();
            f.get(x).get(sw).i32Mul().i32Add().get(j).i32Add().get(chBytes).i32Mul().get(dx).i32Add().set(dst);
            f.get(src).set(row);
            f.i32(0).set(ch);
            f.block().loop();
            f.get(c).get(ch).i32Sub().i32(4).i32LtS().brIf(1);
            f.get(dst).get(dst).v128Load().get(row).v128Load().get(vscale).f32x4Mul().f32x4Add().v128Store();
            f.addTo(dst, 16).addTo(row, 16).addTo(ch, 4).br(0).end().end();
            f.block().loop();
            f.get(ch).get(c).i32GeS().brIf(1);
            f.get(dst).get(dst).f32Load().get(row).f32Load().get(scale).f32Mul().f32Add().f32Store();
            f.addTo(dst, 4).addTo(row, 4).addTo(ch, 1).br(0).end().end();
          }),
        );
        f.get(src).get(chBytes).i32Add().set(src);
      }),
    ),
  );
  return f;
}
