import { FunctionWriter, I32, V128, type Local, type ValType } from './wasm-assembler';

/**
 * The four transforms of a 4x4, stride-2, unpadded convolution computed as Winograd F(2x2, 2x2)
 * on its four stride phases (the maths: winograd-conv.ts). Byte pointers, sizes in elements,
 * over `images` NHWC images; channel counts are multiples of 4 (one f32x4 at a time).
 *
 * A tile is 2x2 outputs; tiles are numbered image by image, row by row, from `firstTile` (so a
 * thread given a chunk of images writes its own rows). The transformed matrices are 9 planes
 * [all tiles, channels] `planeBytes` apart; plane 3 xi + nu holds element (xi, nu) of every
 * tile's 3x3 transform. The input side's columns are ordered (phase u, phase v, channel): tile
 * (ti, tj)'s phase (u, v) sees the 3x3 pixels x[4 ti + 2p + u, 4 tj + 2q + v], p, q < 3.
 */

const ARGS: ValType[] = new Array<ValType>(10).fill(I32);

/** Loops over images, tile rows and tile columns, keeping a running tile number. */
function forTiles(f: FunctionWriter, images: Local, tilesH: Local, tilesW: Local, tile: Local, body: (image: Local, ti: Local, tj: Local) => void): void {
  const [image, ti, tj] = [f.local(I32), f.local(I32), f.local(I32)];
  f.forLoop(image, images, () => {
    f.forLoop(ti, tilesH, () => {
      f.forLoop(tj, tilesW, () => {
        body(image, ti, tj);
        f.addTo(tile, 1);
      });
    });
  });
}

/** Pointer to pixel (4 ti + row, 4 tj + col) of image `image`: x + ((image h + 4 ti + row) w + 4 tj + col) c. */
function pixel(f: FunctionWriter, x: Local, image: Local, h: Local, w: Local, cBytes: Local, ti: Local, tj: Local, row: number, col: number): FunctionWriter {
  f.get(image).get(h).i32Mul().get(ti).i32(4).i32Mul().i32Add().i32(row).i32Add().get(w).i32Mul();
  f.get(tj).i32(4).i32Mul().i32Add().i32(col).i32Add().get(cBytes).i32Mul();
  return f.get(x).i32Add();
}

/**
 * winogradInput(x, v, images, h, w, c, tilesH, tilesW, planeBytes, firstTile):
 * V = B^T d B per tile and phase, B^T = [[1, -1, 0], [0, 1, 0], [0, -1, 1]].
 */
export function writeWinogradInput(): FunctionWriter {
  const f = new FunctionWriter('winogradInput', ARGS);
  const [x, v, images, h, w, c, tilesH, tilesW, planeBytes, tile] = f.params as Local[] as [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const cBytes = f.local(I32);
  const off = f.local(I32);
  const row = f.local(I32);
  const src = Array.from({ length: 9 }, () => f.local(I32));
  const dst = Array.from({ length: 9 }, () => f.local(I32));
  const d = Array.from({ length: 9 }, () => f.local(V128));
  f.get(c).i32(2).i32Shl().set(cBytes);
  forTiles(f, images, tilesH, tilesW, tile, (image, ti, tj) => {
    // This tile's row of every plane: v + tile * 4c.
    f.get(v).get(tile).get(cBytes).i32(2).i32Shl().i32Mul().i32Add().set(row);
    for (let phase = 0; phase < 4; phase++) {
      const [u, ph] = [phase >> 1, phase & 1];
      for (let p = 0; p < 3; p++) {
        for (let q = 0; q < 3; q++) {
          pixel(f, x, image, h, w, cBytes, ti, tj, 2 * p + u, 2 * q + ph).set(src[3 * p + q]!);
          f.get(row).get(planeBytes).i32(3 * p + q).i32Mul().i32Add().get(cBytes).i32(phase).i32Mul().i32Add().set(dst[3 * p + q]!);
        }
      }
      f.forLoop(off, cBytes, () => {
        for (let i = 0; i < 9; i++) f.get(src[i]!).get(off).i32Add().v128Load().set(d[i]!);
        // Along p: (d0 - d1, d1, d2 - d1) for each column q.
        for (let q = 0; q < 3; q++) {
          f.get(d[q]!).get(d[3 + q]!).f32x4Sub().set(d[q]!);
          f.get(d[6 + q]!).get(d[3 + q]!).f32x4Sub().set(d[6 + q]!);
        }
        // Along q for each row xi.
        for (let xi = 0; xi < 3; xi++) {
          const [e0, e1, e2] = [d[3 * xi]!, d[3 * xi + 1]!, d[3 * xi + 2]!];
          f.get(dst[3 * xi]!).get(off).i32Add().get(e0).get(e1).f32x4Sub().v128Store();
          f.get(dst[3 * xi + 1]!).get(off).i32Add().get(e1).v128Store();
          f.get(dst[3 * xi + 2]!).get(off).i32Add().get(e2).get(e1).f32x4Sub().v128Store();
        }
      }, 16);
    }
  });
  return f;
}

/**
 * winogradInputGrad(dv, dx, images, h, w, c, tilesH, tilesW, planeBytes, firstTile): the
 * gradient of winogradInput. dx is zeroed image by image (pixels no tile reads get 0), then
 * every tile adds B dV B^T onto its pixels (neighbouring tiles share a pixel row / column).
 */
export function writeWinogradInputGrad(): FunctionWriter {
  const f = new FunctionWriter('winogradInputGrad', ARGS);
  const [dv, dx, images, h, w, c, tilesH, tilesW, planeBytes, tile] = f.params as Local[] as [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const cBytes = f.local(I32);
  const off = f.local(I32);
  const row = f.local(I32);
  const end = f.local(I32);
  const src = Array.from({ length: 9 }, () => f.local(I32));
  const dst = Array.from({ length: 9 }, () => f.local(I32));
  const g = Array.from({ length: 9 }, () => f.local(V128));
  f.get(c).i32(2).i32Shl().set(cBytes);
  // Zero dx: images h w c values.
  f.get(images).get(h).i32Mul().get(w).i32Mul().get(cBytes).i32Mul().set(end);
  f.forLoop(off, end, () => {
    f.get(dx).get(off).i32Add().v128Zero().v128Store();
  }, 16);
  forTiles(f, images, tilesH, tilesW, tile, (image, ti, tj) => {
    f.get(dv).get(tile).get(cBytes).i32(2).i32Shl().i32Mul().i32Add().set(row);
    for (let phase = 0; phase < 4; phase++) {
      const [u, ph] = [phase >> 1, phase & 1];
      for (let p = 0; p < 3; p++) {
        for (let q = 0; q < 3; q++) {
          f.get(row).get(planeBytes).i32(3 * p + q).i32Mul().i32Add().get(cBytes).i32(phase).i32Mul().i32Add().set(src[3 * p + q]!);
          pixel(f, dx, image, h, w, cBytes, ti, tj, 2 * p + u, 2 * q + ph).set(dst[3 * p + q]!);
        }
      }
      f.forLoop(off, cBytes, () => {
        for (let i = 0; i < 9; i++) f.get(src[i]!).get(off).i32Add().v128Load().set(g[i]!);
        // Along xi (transpose of (d0 - d1, d1, d2 - d1)): (g0, g1 - g0 - g2, g2) per column.
        for (let nu = 0; nu < 3; nu++) {
          f.get(g[3 + nu]!).get(g[nu]!).f32x4Sub().get(g[6 + nu]!).f32x4Sub().set(g[3 + nu]!);
        }
        // Along nu for each pixel row p, added onto dx.
        for (let p = 0; p < 3; p++) {
          const [e0, e1, e2] = [g[3 * p]!, g[3 * p + 1]!, g[3 * p + 2]!];
          const add = (q: number, value: () => void) => {
            f.get(dst[3 * p + q]!).get(off).i32Add();
            f.get(dst[3 * p + q]!).get(off).i32Add().v128Load();
            value();
            f.f32x4Add().v128Store();
          };
          add(0, () => f.get(e0));
          add(1, () => f.get(e1).get(e0).f32x4Sub().get(e2).f32x4Sub());
          add(2, () => f.get(e2));
        }
      }, 16);
    }
  });
  return f;
}

/** Where the output side's walk stands: a tile's row of plane 0, its first pixel, and sizes. */
interface OutputTile {
  /** Byte offset of the tile's row in plane 0 of the transformed matrix. */
  row: Local;
  /** Byte offset of the tile's first pixel (2 ti, 2 tj) in the NHWC image. */
  pixel: Local;
  /** Bytes of one pixel (f channels) and of one output row (2 tilesW pixels). */
  fBytes: Local;
  rowBytes: Local;
}

/**
 * The walk both output-side transforms share: 8 arguments (two pointers, images, tilesH,
 * tilesW, f, planeBytes, firstTile), the planes' pointer first or second (`planesArg`); `body`
 * writes the per-tile code (it runs once, at generation) with the tile's row and pixel set.
 */
function writeOutputSide(name: string, planesArg: 0 | 1, body: (f: FunctionWriter, at: OutputTile, planeBytes: Local) => void): FunctionWriter {
  const f = new FunctionWriter(name, ARGS.slice(0, 8));
  const [first, second, images, tilesH, tilesW, channels, planeBytes, tile] = f.params as Local[] as [Local, Local, Local, Local, Local, Local, Local, Local];
  const [planes, image0] = planesArg === 0 ? [first, second] : [second, first];
  const at: OutputTile = { row: f.local(I32), pixel: f.local(I32), fBytes: f.local(I32), rowBytes: f.local(I32) };
  f.get(channels).i32(2).i32Shl().set(at.fBytes);
  f.get(tilesW).i32(2).i32Mul().get(at.fBytes).i32Mul().set(at.rowBytes);
  forTiles(f, images, tilesH, tilesW, tile, (image, ti, tj) => {
    f.get(planes).get(tile).get(at.fBytes).i32Mul().i32Add().set(at.row);
    // The tile's first output row is 2 (image tilesH + ti).
    f.get(image).get(tilesH).i32Mul().get(ti).i32Add().i32(2).i32Mul().get(at.rowBytes).i32Mul();
    f.get(tj).i32(2).i32Mul().get(at.fBytes).i32Mul().i32Add().get(image0).i32Add().set(at.pixel);
    body(f, at, planeBytes);
  });
  return f;
}

/**
 * winogradOutput(m, y, images, tilesH, tilesW, f, planeBytes, firstTile): y[2 ti + i, 2 tj + j]
 * = (A^T M A)[i][j], A^T = [[1, 1, 0], [0, 1, 1]]; y is [images, 2 tilesH, 2 tilesW, f].
 */
export function writeWinogradOutput(): FunctionWriter {
  return writeOutputSide('winogradOutput', 0, (f, { row, pixel, fBytes, rowBytes }, planeBytes) => {
    const off = f.local(I32);
    const r = Array.from({ length: 9 }, () => f.local(V128));
    f.forLoop(off, fBytes, () => {
      for (let i = 0; i < 9; i++) f.get(row).get(planeBytes).i32(i).i32Mul().i32Add().get(off).i32Add().v128Load().set(r[i]!);
      // Along xi: (M0 + M1, M1 + M2) per column nu (rows 0 and 1 reuse r[0..2], r[3..5]).
      for (let nu = 0; nu < 3; nu++) {
        f.get(r[nu]!).get(r[3 + nu]!).f32x4Add().set(r[nu]!);
        f.get(r[3 + nu]!).get(r[6 + nu]!).f32x4Add().set(r[3 + nu]!);
      }
      for (let i = 0; i < 2; i++) {
        const [e0, e1, e2] = [r[3 * i]!, r[3 * i + 1]!, r[3 * i + 2]!];
        f.get(pixel).get(off).i32Add();
        if (i === 1) f.get(rowBytes).i32Add();
        f.get(e0).get(e1).f32x4Add().v128Store();
        f.get(pixel).get(off).i32Add().get(fBytes).i32Add();
        if (i === 1) f.get(rowBytes).i32Add();
        f.get(e1).get(e2).f32x4Add().v128Store();
      }
    }, 16);
  });
}

/**
 * winogradOutputGrad(dy, dm, images, tilesH, tilesW, f, planeBytes, firstTile): the gradient
 * of winogradOutput, dM = A dY A^T per tile: (dy0, dy0 + dy1, dy1) along both axes.
 */
export function writeWinogradOutputGrad(): FunctionWriter {
  return writeOutputSide('winogradOutputGrad', 1, (f, { row, pixel: at, fBytes, rowBytes }, planeBytes) => {
    const off = f.local(I32);
    const s = Array.from({ length: 6 }, () => f.local(V128));
    f.forLoop(off, fBytes, () => {
      // s[xi][j] along i: (dy0j, dy0j + dy1j, dy1j); rows 0 and 2 are loads, row 1 their sum.
      f.get(at).get(off).i32Add().v128Load().set(s[0]!);
      f.get(at).get(off).i32Add().get(fBytes).i32Add().v128Load().set(s[1]!);
      f.get(at).get(off).i32Add().get(rowBytes).i32Add().v128Load().set(s[4]!);
      f.get(at).get(off).i32Add().get(rowBytes).i32Add().get(fBytes).i32Add().v128Load().set(s[5]!);
      f.get(s[0]!).get(s[4]!).f32x4Add().set(s[2]!);
      f.get(s[1]!).get(s[5]!).f32x4Add().set(s[3]!);
      // Rows xi = 0, 1, 2 are (s0, s1), (s2, s3), (s4, s5); along j: (a, a + b, b).
      for (let xi = 0; xi < 3; xi++) {
        const [a, b] = [s[2 * xi]!, s[2 * xi + 1]!];
        const store = (nu: number, value: () => void) => {
          f.get(row).get(planeBytes).i32(3 * xi + nu).i32Mul().i32Add().get(off).i32Add();
          value();
          f.v128Store();
        };
        store(0, () => f.get(a));
        store(1, () => f.get(a).get(b).f32x4Add());
        store(2, () => f.get(b));
      }
    }, 16);
  });
}
