import * as tf from '@tensorflow/tfjs';
import { PACK_BYTES, type SimdKernels } from '../wasm-simd/simd-kernels';
import { threadedMapFor } from '../wasm-threads/wasm-gemm-threads';
import { composeWasmKernel } from './wasm-kernel-scope';

type Shape4 = [number, number, number, number];

/**
 * The geometry of an average pool that `avgPoolWindows` computes exactly: float32 NHWC, no
 * padding, every window inside the input (a numeric pad of 0 with 'ceil' rounding can hang the
 * last window off the edge, where tfjs divides by the pixels it covers), no empty dimension.
 * Null for anything else: the caller keeps its other kernel.
 */
export function unpaddedPoolInfo(
  inputShape: number[],
  dtypes: readonly tf.DataType[],
  attrs: tf.NamedAttrMap | undefined,
): tf.backend_util.Conv2DInfo | null {
  if (!attrs || inputShape.length !== 4 || dtypes.some((d) => d !== 'float32')) return null;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.AvgPoolAttrs;
  const info = tf.backend_util.computePool2DInfo(inputShape as Shape4, filterSize, strides, 1, pad, dimRoundingMode);
  const p = info.padInfo;
  if (p.top !== 0 || p.bottom !== 0 || p.left !== 0 || p.right !== 0) return null;
  if (info.batchSize <= 0 || info.inChannels <= 0 || info.outHeight <= 0 || info.outWidth <= 0) return null;
  if ((info.outHeight - 1) * info.strideHeight + info.filterHeight > info.inHeight) return null;
  if ((info.outWidth - 1) * info.strideWidth + info.filterWidth > info.inWidth) return null;
  return info;
}

/** (start, count) of the source range each destination index sums, as i32 pairs. */
type Windows = Int32Array;

/** The forward pool: output o sums inputs [o * stride, o * stride + size). */
function poolWindows(outSize: number, size: number, stride: number): Windows {
  const w = new Int32Array(outSize * 2);
  for (let o = 0; o < outSize; o++) {
    w[2 * o] = o * stride;
    w[2 * o + 1] = size;
  }
  return w;
}

/** The gradient: input i sums the outputs whose windows cover it, a contiguous range. */
function coveringWindows(inSize: number, outSize: number, size: number, stride: number): Windows {
  const w = new Int32Array(inSize * 2);
  for (let i = 0; i < inSize; i++) {
    const first = Math.max(0, Math.ceil((i - size + 1) / stride));
    const last = Math.min(outSize - 1, Math.floor(i / stride));
    w[2 * i] = first;
    w[2 * i + 1] = Math.max(0, last - first + 1);
  }
  return w;
}

/** Runs `avgPoolWindows` from `src` into a new [n, dstH, dstW, c] tensor. */
function runWindows(
  backend: unknown,
  kernels: SimdKernels,
  src: tf.TensorInfo,
  dstShape: Shape4,
  rows: Windows,
  cols: Windows,
  scale: number,
): tf.TensorInfo {
  const [n, srcH, srcW, c] = src.shape as Shape4;
  let usedW = 0;
  for (let x = 0; x < cols.length; x += 2) usedW = Math.max(usedW, (cols[x] as number) + (cols[x + 1] as number));
  return composeWasmKernel(backend, (scope) => {
    const dst = scope.output(dstShape);
    const tables = rows.length + cols.length;
    const scratch = scope.output([tables + usedW * c]);
    const at = scope.offset(scratch);
    const heap = new Int32Array(scope.heap().buffer, at, tables);
    heap.set(rows);
    heap.set(cols, rows.length);
    // Images are independent: large pools are split over the helper threads when they are on,
    // each thread summing rows into its own gemm scratch (which must hold one row).
    const pool = usedW * c * 4 <= PACK_BYTES ? threadedMapFor(backend, 4 * (n * srcH * srcW * c + n * dstShape[1] * dstShape[2] * c)) : null;
    if (pool) {
      pool.map(
        'avgPoolWindows', n,
        [scope.offset(dst), scope.offset(src), at, at + rows.length * 4],
        [dstShape[1] * dstShape[2] * c * 4, srcH * srcW * c * 4, 0, 0],
        [srcH, srcW, c, dstShape[1], dstShape[2], usedW, scale],
      );
      return dst;
    }
    kernels.avgPoolWindows(
      scope.offset(dst), scope.offset(src), n, srcH, srcW, c, dstShape[1], dstShape[2],
      at, at + rows.length * 4, at + tables * 4, usedW, scale,
    );
    return dst;
  });
}

/** An unpadded average pool of `x` (see `unpaddedPoolInfo`), in one gather. */
export function avgPoolForward(backend: unknown, kernels: SimdKernels, x: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { filterHeight: kh, filterWidth: kw } = info;
  return runWindows(
    backend, kernels, x, info.outShape as Shape4,
    poolWindows(info.outHeight, kh, info.strideHeight),
    poolWindows(info.outWidth, kw, info.strideWidth),
    1 / (kh * kw),
  );
}

/**
 * The input gradient of an unpadded average pool, in one gather: each dx pixel is written once
 * from the dy pixels whose windows cover it (zero where none does, e.g. between windows when
 * the stride exceeds the window).
 */
export function avgPoolGradient(backend: unknown, kernels: SimdKernels, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { filterHeight: kh, filterWidth: kw } = info;
  return runWindows(
    backend, kernels, dy, info.inShape as Shape4,
    coveringWindows(info.inHeight, info.outHeight, kh, info.strideHeight),
    coveringWindows(info.inWidth, info.outWidth, kw, info.strideWidth),
    1 / (kh * kw),
  );
}
