import type * as tf from '@tensorflow/tfjs';
import type { SimdKernels } from '../wasm-simd/simd-kernels';
import { convCopyBytes, patchGeometry } from '../wasm-threads/heap-ops';
import type { PatchGeometry, ThreadedKernels } from '../wasm-threads/threaded-kernels';
import { threadedKernelsFor } from '../wasm-threads/wasm-gemm-threads';
import { isPointwise } from './conv-geometry';
import type { WasmKernelScope } from './wasm-kernel-scope';

/** What the gemm forms of a convolution and of its two gradients start from. */
export interface ConvGemm {
  /** Rows of the patch matrix: output pixels, N * OH * OW. */
  patches: number;
  /** Columns of the patch matrix: one patch, KH * KW * Cin. */
  patchSize: number;
  /** A 1x1, stride-1, unpadded conv: the patch matrix is x itself. */
  pointwise: boolean;
  /** The im2col / col2im geometry of x's patches. */
  geometry: PatchGeometry;
  /** The helper threads' pool when the convolution is big enough for it, else null. */
  pool: ThreadedKernels | null;
}

export function convGemm(scope: WasmKernelScope, info: tf.backend_util.Conv2DInfo): ConvGemm {
  return {
    patches: info.batchSize * info.outHeight * info.outWidth,
    patchSize: info.filterHeight * info.filterWidth * info.inChannels,
    pointwise: isPointwise(info),
    geometry: patchGeometry(info),
    pool: threadedKernelsFor(scope.backend, convMacs(info), convCopyBytes(info)),
  };
}

/** Multiply-adds of a convolution as its gemm: output pixels x patch size x output channels. */
export function convMacs(info: tf.backend_util.Conv2DInfo): number {
  return info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
}

/** One of the SIMD patch walks (im2col, col2im, col2imStore), on the calling thread. */
export function walkPatches(walk: SimdKernels['im2col'], image: number, cols: number, g: PatchGeometry): void {
  walk(image, cols, g.n, g.h, g.w, g.c, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.padTop, g.padLeft, g.dh, g.dw);
}
