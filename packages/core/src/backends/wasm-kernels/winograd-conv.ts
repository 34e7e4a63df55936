import type * as tf from '@tensorflow/tfjs';
import type { SimdKernels } from '../wasm-simd/simd-kernels';
import { threadedMapFor } from '../wasm-threads/wasm-gemm-threads';
import { processSwitch } from '../process-switch';
import { runGemm } from './run-gemm';
import type { WasmKernelScope } from './wasm-kernel-scope';

/**
 * A 4x4, stride-2, unpadded convolution as Winograd F(2x2, 2x2) (Lavin & Gray, "Fast Algorithms
 * for Convolutional Neural Networks", 2016) on its stride phases.
 *
 * With x_uv[i, j] = x[2i + u, 2j + v] and g_uv[p, q] = w[2p + u, 2q + v] (u, v, p, q in {0, 1}),
 * the convolution is y = sum over the four phases of a 2x2, stride-1 convolution of x_uv with
 * g_uv. Each 2x2 block of outputs then needs 9 products per input channel and phase instead of
 * 16: in one dimension, y0 = d0 g0 + d1 g1 and y1 = d1 g0 + d2 g1 are
 *
 *   y = A^T [(G g) * (B^T d)],  B^T = [[1, -1, 0], [0, 1, 0], [0, -1, 1]],
 *   G = [[1, 0], [1, 1], [0, 1]],  A^T = [[1, 1, 0], [0, 1, 1]],
 *
 * and in two, Y = A^T [(G g G^T) * (B^T d B)] A. Summed over channels and phases, the 9 element
 * products become 9 matrix products [tiles, 4 Cin] x [4 Cin, Cout]: 9/16 of the direct
 * form's multiply-adds. All transforms are additions, so the rounding stays that of the direct
 * form (a few ulps). The gradients are the same products transposed:
 *   dV = dM U^T (dx: B dV B^T added onto the pixels), dU = V^T dM (dw: G^T dU G),
 * with dM = A dY A^T.
 */

type Shape4 = [number, number, number, number];

/** The tile grid of a convolution the Winograd form computes (see `winogradApplies`). */
interface Tiles {
  images: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  tilesH: number;
  tilesW: number;
  /** Tiles of all images. */
  count: number;
  /** Columns of the input side: 4 phases x Cin. */
  depth: number;
  /** Bytes per image of x, of y, of a plane of the input side (V) and of the output side (M). */
  xBytes: number;
  yBytes: number;
  vBytes: number;
  mBytes: number;
  /** Bytes of a whole plane: of V [tiles, 4 Cin], M [tiles, Cout] and U [4 Cin, Cout]. */
  vPlane: number;
  mPlane: number;
  uPlane: number;
  /** The words after (pointer, pointer, images) of the input-side and output-side transforms. */
  inputWords: number[];
  outputWords: number[];
}

/**
 * Whether the Winograd form computes this convolution: float32 NHWC, a 4x4 filter, stride 2,
 * no padding, no dilation, an even output size (whole 2x2 tiles) and channel counts that are
 * multiples of 4 (AMDIM's k4 s2 blocks).
 */
export function winogradApplies(info: tf.backend_util.Conv2DInfo): boolean {
  const p = info.padInfo;
  return (
    info.filterHeight === 4 && info.filterWidth === 4 &&
    info.strideHeight === 2 && info.strideWidth === 2 &&
    info.dilationHeight === 1 && info.dilationWidth === 1 &&
    p.top === 0 && p.left === 0 && p.bottom === 0 && p.right === 0 &&
    info.outHeight % 2 === 0 && info.outWidth % 2 === 0 && info.outHeight > 0 && info.outWidth > 0 &&
    info.inChannels % 4 === 0 && info.outChannels % 4 === 0 &&
    info.dataFormat === 'channelsLast'
  );
}

function tilesOf(info: tf.backend_util.Conv2DInfo): Tiles {
  const { batchSize: images, inHeight: h, inWidth: w, inChannels: cin, outChannels: cout } = info;
  const tilesH = info.outHeight / 2;
  const tilesW = info.outWidth / 2;
  const count = images * tilesH * tilesW;
  const depth = 4 * cin;
  return {
    images, h, w, cin, cout, tilesH, tilesW, count, depth,
    xBytes: h * w * cin * 4,
    yBytes: info.outHeight * info.outWidth * cout * 4,
    vBytes: tilesH * tilesW * depth * 4,
    mBytes: tilesH * tilesW * cout * 4,
    vPlane: count * depth * 4,
    mPlane: count * cout * 4,
    uPlane: depth * cout * 4,
    inputWords: [h, w, cin, tilesH, tilesW, count * depth * 4],
    outputWords: [tilesH, tilesW, cout, count * cout * 4],
  };
}

/**
 * U = G g G^T for every phase, input and output channel, from the HWIO filter: 9 planes of
 * [4 Cin, Cout], or of [Cout, 4 Cin] when `transposed` (the input gradient's right operand).
 */
function filterTransform(scope: WasmKernelScope, filter: tf.TensorInfo, t: Tiles, transposed: boolean): tf.TensorInfo {
  const u = scope.output([9, t.depth, t.cout]);
  const heap = scope.heap().buffer;
  const w = new Float32Array(heap, scope.offset(filter), 16 * t.cin * t.cout);
  const out = new Float32Array(heap, scope.offset(u), 9 * t.depth * t.cout);
  const { cin, cout, depth } = t;
  const plane = depth * cout;
  // Output channels innermost: the filter's rows and (untransposed) U's rows are contiguous.
  const [rowStep, colStep] = transposed ? [1, depth] : [cout, 1];
  for (let phase = 0; phase < 4; phase++) {
    const [pu, pv] = [phase >> 1, phase & 1];
    for (let c = 0; c < cin; c++) {
      // g[p][q] = w[2p + u, 2q + v, c, :]
      const g00 = ((pu * 4 + pv) * cin + c) * cout;
      const g01 = ((pu * 4 + 2 + pv) * cin + c) * cout;
      const g10 = (((2 + pu) * 4 + pv) * cin + c) * cout;
      const g11 = (((2 + pu) * 4 + 2 + pv) * cin + c) * cout;
      const k = phase * cin + c;
      let at = k * rowStep;
      for (let o = 0; o < cout; o++, at += colStep) {
        const a0 = w[g00 + o] as number;
        const b0 = w[g01 + o] as number;
        const a2 = w[g10 + o] as number;
        const b2 = w[g11 + o] as number;
        // Rows of G g: (g0, g0 + g1, g1) along p; then the same along q.
        const a1 = a0 + a2;
        const b1 = b0 + b2;
        out[at] = a0;
        out[plane + at] = a0 + b0;
        out[2 * plane + at] = b0;
        out[3 * plane + at] = a1;
        out[4 * plane + at] = a1 + b1;
        out[5 * plane + at] = b1;
        out[6 * plane + at] = a2;
        out[7 * plane + at] = a2 + b2;
        out[8 * plane + at] = b2;
      }
    }
  }
  return u;
}

/** dw = G^T dU G from the 9 planes [4 Cin, Cout] of dU, as an HWIO filter. */
function filterGradientTransform(scope: WasmKernelScope, du: tf.TensorInfo, t: Tiles): tf.TensorInfo {
  const dw = scope.output([4, 4, t.cin, t.cout]);
  const heap = scope.heap().buffer;
  const d = new Float32Array(heap, scope.offset(du), 9 * t.depth * t.cout);
  const out = new Float32Array(heap, scope.offset(dw), 16 * t.cin * t.cout);
  const { cin, cout, depth } = t;
  const plane = depth * cout;
  for (let phase = 0; phase < 4; phase++) {
    const [pu, pv] = [phase >> 1, phase & 1];
    for (let c = 0; c < cin; c++) {
      const row = (phase * cin + c) * cout;
      const w00 = ((pu * 4 + pv) * cin + c) * cout;
      const w01 = ((pu * 4 + 2 + pv) * cin + c) * cout;
      const w10 = (((2 + pu) * 4 + pv) * cin + c) * cout;
      const w11 = (((2 + pu) * 4 + 2 + pv) * cin + c) * cout;
      for (let o = 0; o < cout; o++) {
        const i = row + o;
        // G^T along xi: rows (e0 + e1, e1 + e2); then the same along nu.
        const e10 = d[3 * plane + i] as number;
        const e11 = d[4 * plane + i] as number;
        const e12 = d[5 * plane + i] as number;
        const r00 = (d[i] as number) + e10;
        const r01 = (d[plane + i] as number) + e11;
        const r02 = (d[2 * plane + i] as number) + e12;
        const r10 = e10 + (d[6 * plane + i] as number);
        const r11 = e11 + (d[7 * plane + i] as number);
        const r12 = e12 + (d[8 * plane + i] as number);
        out[w00 + o] = r00 + r01;
        out[w01 + o] = r01 + r02;
        out[w10 + o] = r10 + r11;
        out[w11 + o] = r11 + r12;
      }
    }
  }
  return dw;
}

/** Runs transform `op` over all images: split by images over the helper threads when they are on. */
function transform(
  scope: WasmKernelScope,
  kernels: SimdKernels,
  op: 'winogradInput' | 'winogradInputGrad' | 'winogradOutput' | 'winogradOutputGrad',
  pointers: [number, number],
  strides: [number, number],
  words: number[],
  bytes: number,
  images: number,
): void {
  const pool = threadedMapFor(scope.backend, bytes);
  if (pool) {
    pool.map(op, images, pointers, strides, [...words, 0]);
    return;
  }
  const call = kernels[op] as (...args: number[]) => void;
  call(pointers[0], pointers[1], images, ...words, 0);
}

/** V = B^T d B of every tile and phase: 9 planes [tiles, 4 Cin]. */
function inputTransform(scope: WasmKernelScope, kernels: SimdKernels, x: tf.TensorInfo, t: Tiles): tf.TensorInfo {
  const v = scope.output([9, t.count, t.depth]);
  transform(
    scope, kernels, 'winogradInput',
    [scope.offset(x), scope.offset(v)],
    [t.xBytes, t.vBytes],
    t.inputWords,
    t.images * (t.xBytes + 9 * t.vBytes),
    t.images,
  );
  return v;
}

/** dM = A dY A^T of every tile: 9 planes [tiles, Cout]. */
function outputGradTransform(scope: WasmKernelScope, kernels: SimdKernels, dy: tf.TensorInfo, t: Tiles): tf.TensorInfo {
  const dm = scope.output([9, t.count, t.cout]);
  transform(
    scope, kernels, 'winogradOutputGrad',
    [scope.offset(dy), scope.offset(dm)],
    [t.yBytes, t.mBytes],
    t.outputWords,
    t.images * (t.yBytes + 9 * t.mBytes),
    t.images,
  );
  return dm;
}

/** The 9 products plane by plane: C_i = A_i B_i (strides in bytes, as GemmOperands). */
function planeProducts(
  scope: WasmKernelScope,
  kernels: SimdKernels,
  a: { at: number; plane: number; sam: number; sak: number },
  b: { at: number; plane: number; sbk: number },
  c: { at: number; plane: number; scm: number },
  m: number,
  n: number,
  k: number,
): void {
  for (let i = 0; i < 9; i++) {
    runGemm(
      scope, kernels,
      { a: a.at + i * a.plane, sam: a.sam, sak: a.sak, b: b.at + i * b.plane, sbk: b.sbk, c: c.at + i * c.plane, scm: c.scm },
      m, n, k,
    );
  }
}

/** y = Conv2D(x, filter) for a convolution `winogradApplies` to. */
export function winogradConv2d(scope: WasmKernelScope, kernels: SimdKernels, x: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const t = tilesOf(info);
  const u = filterTransform(scope, filter, t, false);
  const v = inputTransform(scope, kernels, x, t);
  const m = scope.output([9, t.count, t.cout]);
  planeProducts(
    scope, kernels,
    { at: scope.offset(v), plane: t.vPlane, sam: t.depth * 4, sak: 4 },
    { at: scope.offset(u), plane: t.uPlane, sbk: t.cout * 4 },
    { at: scope.offset(m), plane: t.mPlane, scm: t.cout * 4 },
    t.count, t.cout, t.depth,
  );
  const y = scope.output(info.outShape as Shape4);
  transform(
    scope, kernels, 'winogradOutput',
    [scope.offset(m), scope.offset(y)],
    [t.mBytes, t.yBytes],
    t.outputWords,
    t.images * (t.yBytes + 9 * t.mBytes),
    t.images,
  );
  return y;
}

/** dx of a convolution `winogradApplies` to. */
export function winogradInputGrad(scope: WasmKernelScope, kernels: SimdKernels, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const t = tilesOf(info);
  const ut = filterTransform(scope, filter, t, true);
  const dm = outputGradTransform(scope, kernels, dy, t);
  const dv = scope.output([9, t.count, t.depth]);
  planeProducts(
    scope, kernels,
    { at: scope.offset(dm), plane: t.mPlane, sam: t.cout * 4, sak: 4 },
    { at: scope.offset(ut), plane: t.uPlane, sbk: t.depth * 4 },
    { at: scope.offset(dv), plane: t.vPlane, scm: t.depth * 4 },
    t.count, t.depth, t.cout,
  );
  const dx = scope.output(info.inShape as Shape4);
  transform(
    scope, kernels, 'winogradInputGrad',
    [scope.offset(dv), scope.offset(dx)],
    [t.vBytes, t.xBytes],
    t.inputWords,
    t.images * (2 * t.xBytes + 9 * t.vBytes),
    t.images,
  );
  return dx;
}

/** dw of a convolution `winogradApplies` to. */
export function winogradFilterGrad(scope: WasmKernelScope, kernels: SimdKernels, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const t = tilesOf(info);
  const v = inputTransform(scope, kernels, x, t);
  const dm = outputGradTransform(scope, kernels, dy, t);
  const du = scope.output([9, t.depth, t.cout]);
  planeProducts(
    scope, kernels,
    { at: scope.offset(v), plane: t.vPlane, sam: 4, sak: t.depth * 4 },
    { at: scope.offset(dm), plane: t.mPlane, sbk: t.cout * 4 },
    { at: scope.offset(du), plane: t.uPlane, scm: t.cout * 4 },
    t.depth, t.cout, t.count,
  );
  return filterGradientTransform(scope, du, t);
}

const winogradSwitch = processSwitch('@infomax/core/wasm-winograd-convolutions');

/**
 * Whether the convolutions `winogradApplies` to (AMDIM's 4x4, stride-2 blocks) and their
 * gradients run in the Winograd form on wasm (default: yes). Process-wide; for comparisons and
 * as an escape hatch.
 */
export function setWasmWinogradConvolutions(enabled: boolean): void {
  winogradSwitch.set(enabled);
}

export function wasmWinogradConvolutions(): boolean {
  return winogradSwitch.on();
}

/** Whether this convolution takes the Winograd form: it applies and the switch is on. */
export function takesWinograd(info: tf.backend_util.Conv2DInfo): boolean {
  return winogradSwitch.on() && winogradApplies(info);
}

