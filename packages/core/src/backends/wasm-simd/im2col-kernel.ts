import { FunctionWriter, I32, type Local } from './wasm-assembler';

/**
 * im2col(x, out, n, h, w, c, kh, kw, oh, ow, sh, sw, padTop, padLeft, dh, dw): the patch matrix
 * of an NHWC convolution, out[(b, y, x), (i, j, ch)] = x[b, y*sh - padTop + i*dh,
 * x*sw - padLeft + j*dw, ch], zero where that reads padding. Pointers in bytes, sizes in
 * elements. Values move 4 at a time, then singly (see `writePatchWalk` for the runs). With the
 * gemm it turns a filter gradient into one product with no weight packing.
 */
export function writeIm2col(): FunctionWriter {
  return writePatchWalk('im2col');
}

/**
 * col2im(dx, cols, ...same geometry as im2col): the adjoint of im2col, dx[b, iy, ix, ch] = the
 * sum of every patch entry that reads that pixel (taps on padding are dropped). It zeroes its
 * images itself, one at a time, just before adding into them: a separate pass over all of dx
 * first cost about as much as the adds (measured), and would run on one thread. With the gemm
 * dy W^T it is a conv's input gradient that only multiplies real taps.
 */
export function writeCol2im(): FunctionWriter {
  return writePatchWalk('col2im');
}

/**
 * col2imStore(dx, cols, ...same geometry): col2im for patches that do not overlap and cover dx
 * (kernel = stride, no padding, e.g. the phases of a sub-pixel convolution): each pixel is
 * written once, so dx needs no zeroing and nothing is added. Taps outside dx are dropped (that
 * crops a last block that runs past the image).
 */
export function writeCol2imStore(): FunctionWriter {
  return writePatchWalk('col2imStore');
}

type PatchWalk = 'im2col' | 'col2im' | 'col2imStore';

/**
 * Walks every (pixel, tap row) of a conv's patches, copying (im2col), adding back (col2im) or
 * storing back (col2imStore). A tap row whose taps are all inside the image and adjacent
 * (dilation 1) is one run of kw * c values (e.g. 9 for a 3x3 conv of an RGB image, where runs of
 * c = 3 went one value at a time); other rows go tap by tap.
 */
function writePatchWalk(kind: PatchWalk): FunctionWriter {
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
  const ix0 = f.local(I32);
  const src = f.local(I32);
  const dst = f.local(I32);
  const ch = f.local(I32);
  const run = f.local(I32);
  const rowBytes = f.local(I32);
  const imageBytes = f.local(I32);
  const chBytes = f.local(I32);
  const tapRowValues = f.local(I32);

  f.get(c).i32(2).i32Shl().set(chBytes);
  f.get(w).get(chBytes).i32Mul().set(rowBytes);
  f.get(h).get(rowBytes).i32Mul().set(imageBytes);
  f.get(kw).get(c).i32Mul().set(tapRowValues);
  f.get(out).set(dst);


  /** Moves `run` values between the image at src and the patch matrix at dst, advancing both. */
  const moveRun = () => {
    f.i32(0).set(ch);
    f.block().loop();
    f.get(run).get(ch).i32Sub().i32(4).i32LtS().brIf(1);
    if (kind === 'im2col') f.get(dst).get(src).v128Load().v128Store();
    else if (kind === 'col2im') f.get(src).get(src).v128Load().get(dst).v128Load().f32x4Add().v128Store();
    else f.get(src).get(dst).v128Load().v128Store();
    f.addTo(src, 16).addTo(dst, 16).addTo(ch, 4).br(0).end().end();
    f.block().loop();
    f.get(ch).get(run).i32GeS().brIf(1);
    if (kind === 'im2col') f.get(dst).get(src).f32Load().f32Store();
    else if (kind === 'col2im') f.get(src).get(src).f32Load().get(dst).f32Load().f32Add().f32Store();
    else f.get(src).get(dst).f32Load().f32Store();
    f.addTo(src, 4).addTo(dst, 4).addTo(ch, 1).br(0).end().end();
  };

  /** Zeroes `run` values at `at`, advancing it. */
  const zeroRun = (at: Local) => {
    f.i32(0).set(ch);
    f.block().loop();
    f.get(run).get(ch).i32Sub().i32(4).i32LtS().brIf(1);
    f.get(at).v128Zero().v128Store();
    f.addTo(at, 16).addTo(ch, 4).br(0).end().end();
    f.block().loop();
    f.get(ch).get(run).i32GeS().brIf(1);
    f.get(at).f32(0).f32Store();
    f.addTo(at, 4).addTo(ch, 1).br(0).end().end();
  };

  /** `run` patch entries that read padding: zeros for im2col, skipped otherwise. */
  const padRun = () => {
    if (kind === 'im2col') zeroRun(dst);
    else f.get(dst).get(run).i32(2).i32Shl().i32Add().set(dst);
  };

  /** src = the image's pixel (b, iy, ix). */
  const pixel = (column: Local) => {
    f.get(x).get(b).get(imageBytes).i32Mul().i32Add().get(iy).get(rowBytes).i32Mul().i32Add();
    f.get(column).get(chBytes).i32Mul().i32Add().set(src);
  };

  f.forLoop(b, n, () => {
    if (kind === 'col2im') {
      f.get(x).get(b).get(imageBytes).i32Mul().i32Add().set(src);
      f.get(imageBytes).i32(2).i32ShrU().set(run);
      zeroRun(src);
    }
    f.forLoop(y, oh, () =>
      f.forLoop(xo, ow, () => {
        f.get(xo).get(sw).i32Mul().get(padLeft).i32Sub().set(ix0);
        f.forLoop(i, kh, () => {
          // iy = y*sh - padTop + i*dh
          f.get(y).get(sh).i32Mul().get(padTop).i32Sub().get(i).get(dh).i32Mul().i32Add().set(iy);
          // A row of padding? (unsigned compare folds the < 0 test in)
          f.get(iy).get(h).i32LtU().if();
          {
            // All kw taps inside and adjacent: one run.
            f.get(dw).i32(1).i32Eq().get(ix0).get(w).i32LtU().i32And();
            f.get(ix0).get(kw).i32Add().get(w).i32LeS().i32And().if();
            pixel(ix0);
            f.get(tapRowValues).set(run);
            moveRun();
            f.else();
            f.get(c).set(run);
            f.forLoop(j, kw, () => {
              f.get(ix0).get(j).get(dw).i32Mul().i32Add().set(ix);
              f.get(ix).get(w).i32LtU().if();
              pixel(ix);
              moveRun();
              f.else();
              padRun();
              f.end();
            });
            f.end();
          }
          f.else();
          f.get(tapRowValues).set(run);
          padRun();
          f.end();
        });
      }),
    );
  });
  return f;
}
