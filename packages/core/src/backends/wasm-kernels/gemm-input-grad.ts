import type * as tf from '@tensorflow/tfjs';
import { blockedGemm } from '../wasm-simd/blocked-gemm';
import type { SimdKernels } from '../wasm-simd/simd-kernels';
import { heapInputGrad } from '../wasm-threads/heap-ops';
import { convGemm, walkPatches } from './conv-gemm';
import { poolOperation } from './pool-operation';
import type { WasmKernelScope } from './wasm-kernel-scope';

/**
 * dx of an NHWC Conv2D with infomax's SIMD kernels: the patch gradients dy [P, Cout] x
 * f^T [Cout, KH*KW*Cin] in one gemm (f^T is a filter-sized transpose), then col2im adds them
 * back onto x's pixels. It multiplies only real taps (the sub-pixel form also multiplies
 * padding) and packs nothing.
 */
export function gemmInputGrad(
  scope: WasmKernelScope,
  kernels: SimdKernels,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { patches, patchSize, pointwise, geometry, pool } = convGemm(scope, info);
  const cout = info.outChannels;
  const fT = scope.transpose(scope.reshape(filter, [patchSize, cout]), [1, 0]);
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
  walkPatches(kernels.col2im, scope.offset(dx), pcols, geometry);
  return dx;
}
