import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { blockedGemm } from '../wasm-simd/blocked-gemm';
import type { SimdKernels } from '../wasm-simd/simd-kernels';
import { isPointwise } from './conv-geometry';
import { convCopyBytes, heapInputGrad } from '../wasm-threads/heap-ops';
import { threadedKernelsFor } from '../wasm-threads/wasm-gemm-threads';
import { convMacs } from './gemm-conv2d';
import { poolOperation } from './pool-operation';
import type { WasmKernelScope } from './wasm-kernel-scope';

/**
 * dx of an NHWC Conv2D with infomax's SIMD kernels: the patch gradients dy [P, Cout] x
 * f^T [Cout, KH*KW*Cin] in one gemm (f^T is a filter-sized transpose), then col2im adds them
 * back onto x's pixels. It multiplies only real taps (the sub-pixel convolution also multiplies
 * padding) and packs nothing.
 */
export function gemmInputGrad(
  scope: WasmKernelScope,
  kernels: SimdKernels,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: cin, outHeight: oh, outWidth: ow, outChannels: cout } = info;
  const { filterHeight: kh, filterWidth: kw } = info;
  const patches = n * oh * ow;
  const patchSize = kh * kw * cin;
  const fT = scope.transpose(scope.reshape(filter, [patchSize, cout]), [1, 0]);
  const pointwise = isPointwise(info);
  const pool = threadedKernelsFor(scope.backend, convMacs(info), convCopyBytes(info));
  if (pool) {
    const dx = scope.output(info.inShape);
    heapInputGrad(poolOperation(scope, pool), { dy: scope.offset(dy), fT: scope.offset(fT), dx: scope.offset(dx) }, info, pointwise);
    return dx;
  }
  const cols = scope.output([patches, patchSize]);
  const [pdy, pf, pcols] = [scope.offset(dy), scope.offset(fT), scope.offset(cols)];
  blockedGemm(kernels, { a: pdy, sam: cout * 4, sak: 4, b: pf, sbk: patchSize * 4, c: pcols, scm: patchSize * 4 }, patches, patchSize, cout);
  if (pointwise) return scope.reshape(cols, info.inShape);
  const dx = scope.output(info.inShape);
  const pdx = scope.offset(dx);
  const heap = (scope.backend as BackendWasm & { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8;
  heap.fill(0, pdx, pdx + n * h * w * cin * 4);
  kernels.col2im(
    pdx, pcols, n, h, w, cin, kh, kw, oh, ow,
    info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left, info.dilationHeight, info.dilationWidth,
  );
  return dx;
}
