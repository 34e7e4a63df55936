import type * as tf from '@tensorflow/tfjs';
import { blockedGemm } from '../wasm-simd/blocked-gemm';
import type { SimdKernels } from '../wasm-simd/simd-kernels';
import { heapSubPixelInputGrad, type SubPixelGemm } from '../wasm-threads/heap-ops';
import { threadedKernelsFor } from '../wasm-threads/wasm-gemm-threads';
import { convAxes, subPixelAxis, type SubPixelAxis } from './conv-geometry';
import { walkPatches } from './conv-gemm';
import { poolOperation } from './pool-operation';
import { subPixelConvFilter } from './sub-pixel-filter';
import type { WasmKernelScope } from './wasm-kernel-scope';

/**
 * dx of an NHWC Conv2D in the sub-pixel form with infomax's SIMD kernels: im2col of dy over the
 * stride-1 taps, one gemm with the rearranged filter (depth taps * Cout, columns phases * Cin),
 * and a store of each block's phases into dx. Next to the col2im form (`gemmInputGrad`) the
 * gemm is deeper (4x for a 4x4 stride-2 filter) and nothing is scattered and added, at the
 * price of multiplying the padding of the border blocks.
 */
export function gemmSubPixelInputGrad(
  scope: WasmKernelScope,
  kernels: SimdKernels,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const [h, w] = convAxes(info).map(subPixelAxis) as [SubPixelAxis, SubPixelAxis];
  const plan = subPixelGemm(info, h, w);
  const dx = scope.output(info.inShape);
  const g = scope.output([plan.depth, plan.cols]);
  const heap = scope.heap();
  const source = new Float32Array(heap.buffer, scope.offset(filter), filterSize(info));
  // A filter-sized shuffle, from the heap into the heap.
  subPixelConvFilter(source, filter.shape, h, w, info.strideHeight, info.strideWidth, new Float32Array(heap.buffer, scope.offset(g), plan.depth * plan.cols));
  const pool = threadedKernelsFor(scope.backend, plan.rows * plan.depth * plan.cols, plan.dyBytes + plan.dxBytes + plan.depth * plan.cols * 4);
  if (pool) {
    heapSubPixelInputGrad(poolOperation(scope, pool), { dy: scope.offset(dy), g: scope.offset(g), dx: scope.offset(dx) }, plan);
    return dx;
  }
  let a = scope.offset(dy);
  if (plan.taps) {
    const cols = scope.output([plan.rows, plan.depth]);
    walkPatches(kernels.im2col, a, scope.offset(cols), plan.taps);
    a = scope.offset(cols);
  }
  const product = plan.phases ? scope.offset(scope.output([plan.rows, plan.cols])) : scope.offset(dx);
  blockedGemm(kernels, { a, sam: plan.depth * 4, sak: 4, b: scope.offset(g), sbk: plan.cols * 4, c: product, scm: plan.cols * 4 }, plan.rows, plan.cols, plan.depth);
  if (plan.phases) walkPatches(kernels.col2imStore, scope.offset(dx), product, plan.phases);
  return dx;
}

function filterSize(info: tf.backend_util.Conv2DInfo): number {
  return info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
}

/** The geometry of the sub-pixel form's three steps for this convolution. */
export function subPixelGemm(info: tf.backend_util.Conv2DInfo, h: SubPixelAxis, w: SubPixelAxis): SubPixelGemm {
  const { batchSize: n, outHeight: oh, outWidth: ow, outChannels: cout, inChannels: cin } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  // The taps of block i read dy rows i + cMin .. i + cMax, cMin = dyBegin - padBefore.
  const padTop = h.padBefore - h.dyBegin;
  const padLeft = w.padBefore - w.dyBegin;
  const ownPatches = h.taps === 1 && w.taps === 1 && padTop === 0 && padLeft === 0 && h.blocks === oh && w.blocks === ow;
  const storeNeeded = sh !== 1 || sw !== 1 || h.blocks !== info.inHeight || w.blocks !== info.inWidth;
  return {
    taps: ownPatches
      ? null
      : { n, h: oh, w: ow, c: cout, kh: h.taps, kw: w.taps, oh: h.blocks, ow: w.blocks, sh: 1, sw: 1, padTop, padLeft, dh: 1, dw: 1 },
    rows: n * h.blocks * w.blocks,
    depth: h.taps * w.taps * cout,
    cols: sh * sw * cin,
    phases: storeNeeded
      ? { n, h: info.inHeight, w: info.inWidth, c: cin, kh: sh, kw: sw, oh: h.blocks, ow: w.blocks, sh, sw, padTop: 0, padLeft: 0, dh: 1, dw: 1 }
      : null,
    dyBytes: n * oh * ow * cout * 4,
    dxBytes: n * info.inHeight * info.inWidth * cin * 4,
  };
}
