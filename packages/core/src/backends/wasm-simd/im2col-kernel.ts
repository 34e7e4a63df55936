import { FunctionWriter, I32, type Local } from './wasm-assembler';

/**
 * im2col(x, out, n, h, w, c, kh, kw, oh, ow, sh, sw, padTop, padLeft, dh, dw): the patch matrix
 * of an NHWC convolution, out[(b, y, x), (i, j, ch)] = x[b, y*sh - padTop + i*dh,
 * x*sw - padLeft + j*dw, ch], zero where that reads padding. Pointers in bytes, sizes in
 * elements. Each tap copies one run of c channels (4 at a time, then singly), so with the gemm
 * it turns a filter gradient into one product with no weight packing.
 */
export function writeIm2col(): FunctionWriter {
  return writePatchWalk('im2col');
}

/**
 * col2im(dx, cols, ...same geometry as im2col): the adjoint of im2col, dx[b, iy, ix, ch] += every patch
 * entry that reads that pixel (taps on padding are dropped). dx must be zeroed first. With the
 * gemm dy W^T it is a conv's input gradient that only multiplies real taps.
 */
export function writeCol2im(): FunctionWriter {
  return writePatchWalk('col2im');
}

/** Walks every (pixel, tap) of a conv's patches, copying (im2col) or adding back (col2im). */
function writePatchWalk(kind: 'im2col' | 'col2im'): FunctionWriter {
  const f = new FunctionWriter(kind, new Array(16).fill(I32));
  // For col2im, `x` is the image being accumulated into and `out` the patch matrix read.
  const [x, out, n, h, w, c, kh, kw, oh, ow, sh, sw, padTop, padLeft, dh, dw] = f.params as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const b = f.local(I32);
  const y = f.local(I32);
  const xo = f.local(I32);
  const i = f.local(I32);
  const j = f.local(I32);
  const iy = f.local(I32);
  const ix = f.local(I32);
  const src = f.local(I32);
  const dst = f.local(I32);
  const ch = f.local(I32);
  const rowBytes = f.local(I32);
  const imageBytes = f.local(I32);
  const chBytes = f.local(I32);

  f.get(c).i32(2).i32Shl().set(chBytes);
  f.get(w).get(chBytes).i32Mul().set(rowBytes);
  f.get(h).get(rowBytes).i32Mul().set(imageBytes);
  f.get(out).set(dst);

  const forLoop = (counter: Local, limit: Local, body: () => void) => {
    f.i32(0).set(counter);
    f.block().loop();
    f.get(counter).get(limit).i32GeS().brIf(1);
    body();
    f.addTo(counter, 1).br(0).end().end();
  };

  forLoop(b, n, () =>
    forLoop(y, oh, () =>
      forLoop(xo, ow, () =>
        forLoop(i, kh, () => {
          // iy = y*sh - padTop + i*dh
          f.get(y).get(sh).i32Mul().get(padTop).i32Sub().get(i).get(dh).i32Mul().i32Add().set(iy);
          forLoop(j, kw, () => {
            f.get(xo).get(sw).i32Mul().get(padLeft).i32Sub().get(j).get(dw).i32Mul().i32Add().set(ix);
            // Inside the image? (unsigned compare folds the < 0 test in)
            f.get(iy).get(h).i32LtU().get(ix).get(w).i32LtU().i32And().if();
            {
              f.get(x).get(b).get(imageBytes).i32Mul().i32Add().get(iy).get(rowBytes).i32Mul().i32Add();
              f.get(ix).get(chBytes).i32Mul().i32Add().set(src);
              f.i32(0).set(ch);
              f.block().loop();
              f.get(c).get(ch).i32Sub().i32(4).i32LtS().brIf(1);
              if (kind === 'im2col') f.get(dst).get(src).v128Load().v128Store();
              else f.get(src).get(src).v128Load().get(dst).v128Load().f32x4Add().v128Store();
              f.addTo(src, 16).addTo(dst, 16).addTo(ch, 4).br(0).end().end();
              f.block().loop();
              f.get(ch).get(c).i32GeS().brIf(1);
              if (kind === 'im2col') f.get(dst).get(src).f32Load().f32Store();
              else f.get(src).get(src).f32Load().get(dst).f32Load().f32Add().f32Store();
              f.addTo(src, 4).addTo(dst, 4).addTo(ch, 1).br(0).end().end();
            }
            f.else();
            if (kind === 'col2im') {
              // A tap on padding: skip its c entries.
              f.get(dst).get(chBytes).i32Add().set(dst);
            } else {
              f.i32(0).set(ch);
              f.block().loop();
              f.get(c).get(ch).i32Sub().i32(4).i32LtS().brIf(1);
              f.get(dst).v128Zero().v128Store();
              f.addTo(dst, 16).addTo(ch, 4).br(0).end().end();
              f.block().loop();
              f.get(ch).get(c).i32GeS().brIf(1);
              f.get(dst).f32(0).f32Store();
              f.addTo(dst, 4).addTo(ch, 1).br(0).end().end();
            }
            f.end();
          });
        }),
      ),
    ),
  );
  return f;
}
