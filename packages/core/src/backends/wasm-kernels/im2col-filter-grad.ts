import type * as tf from '@tensorflow/tfjs';
import { isPointwise } from './conv-geometry';
import { blockedGemm } from '../wasm-simd/blocked-gemm';
import type { SimdKernels } from '../wasm-simd/simd-kernels';
import { convCopyBytes, heapFilterGrad } from '../wasm-threads/heap-ops';
import { threadedKernelsFor } from '../wasm-threads/wasm-gemm-threads';
import { convMacs } from './gemm-conv2d';
import { poolOperation } from './pool-operation';
import type { WasmKernelScope } from './wasm-kernel-scope';

/**
 * dF of an NHWC Conv2D as patches^T dy: one im2col of x into [N*OH*OW, KH*KW*Cin] and one gemm
 * with the patch matrix read transposed (through strides), giving [KH*KW*Cin, Cout], which is
 * the HWIO filter layout as is. Replaces a forward convolution with dy as its filter, where
 * XNNPACK packed the whole of dy first (measured: the AMDIM stem's 3x3x3x32 gradient ran at
 * ~1 GMAC/s that way).
 */
export function im2colFilterGrad(
  scope: WasmKernelScope,
  kernels: SimdKernels,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: cin, outHeight: oh, outWidth: ow, outChannels: cout } = info;
  const { filterHeight: kh, filterWidth: kw } = info;
  const patches = n * oh * ow;
  const patchSize = kh * kw * cin;
  // A 1x1, stride-1, unpadded conv's patch matrix is x itself.
  const pointwise = isPointwise(info);
  const pool = threadedKernelsFor(scope.backend, convMacs(info), convCopyBytes(info));
  if (pool) {
    const result = scope.output([kh, kw, cin, cout]);
    heapFilterGrad(poolOperation(scope, pool), { x: scope.offset(x), dy: scope.offset(dy), out: scope.offset(result) }, info, pointwise);
    return result;
  }
  const cols = pointwise ? x : scope.output([patches, patchSize]);
  const out = scope.output([kh, kw, cin, cout]);
  const [pcols, pdy, pout] = [scope.offset(cols), scope.offset(dy), scope.offset(out)];
  if (!pointwise) {
    kernels.im2col(
      scope.offset(x), pcols, n, h, w, cin, kh, kw, oh, ow,
      info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left, info.dilationHeight, info.dilationWidth,
    );
  }
  blockedGemm(
    kernels,
    { a: pcols, sam: 4, sak: patchSize * 4, b: pdy, sbk: cout * 4, c: pout, scm: cout * 4 },
    patchSize,
    cout,
    patches,
  );
  return out;
}
