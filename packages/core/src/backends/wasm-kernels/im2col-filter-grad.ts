import type * as tf from '@tensorflow/tfjs';
import { blockedGemm } from '../wasm-simd/blocked-gemm';
import type { SimdKernels } from '../wasm-simd/simd-kernels';
import { heapFilterGrad } from '../wasm-threads/heap-ops';
import { convGemm, walkPatches } from './conv-gemm';
import { poolOperation } from './pool-operation';
import { gemmInBackground, wasmBackgroundGradients } from './background-gradients';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { WasmKernelScope } from './wasm-kernel-scope';

/**
 * dF of an NHWC Conv2D as patches^T dy: one im2col of x into [N*OH*OW, KH*KW*Cin] and one gemm
 * with the patch matrix read transposed (through strides), giving [KH*KW*Cin, Cout], which is
 * the HWIO filter layout as is. Replaces a forward convolution with dy as its filter, where
 * XNNPACK packed the whole of dy first (measured: the AMDIM stem's 3x3x3x32 gradient ran at
 * ~1 GMAC/s that way). Where the patch is much longer than Cout it computes dy^T patches
 * instead and transposes the filter-sized result (see `filterGradTransposed`).
 */
export function im2colFilterGrad(
  scope: WasmKernelScope,
  kernels: SimdKernels,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { patches, patchSize, pointwise, geometry, pool } = convGemm(scope, info);
  const cout = info.outChannels;
  if (pool?.inPlace && wasmBackgroundGradients()) {
    // Returned at once: the helpers compute it between the jobs of the layers below.
    const backend = scope.backend as BackendWasm;
    const out = scope.output(info.filterShape);
    // The patch matrix lives until the job is finished, so it is not one of the scope's.
    const cols = pointwise ? x : backend.makeOutput([patches, patchSize], 'float32');
    try {
      if (!pointwise) {
        pool.begin();
        pool.im2col(scope.offset(x), scope.offset(cols), geometry);
      }
      gemmInBackground(
        backend,
        pool,
        { a: scope.offset(cols), sam: 4, sak: patchSize * 4, b: scope.offset(dy), sbk: cout * 4, c: scope.offset(out), scm: cout * 4 },
        patchSize,
        cout,
        patches,
        { output: out, reads: [x, dy], temporaries: pointwise ? [] : [cols] },
      );
    } catch (error) {
      if (!pointwise) backend.disposeData(cols.dataId);
      throw error;
    }
    return out;
  }
  const transposed = filterGradTransposed(info);
  const out = scope.output(transposed ? [cout, patchSize] : info.filterShape);
  if (pool) {
    heapFilterGrad(poolOperation(scope, pool), { x: scope.offset(x), dy: scope.offset(dy), out: scope.offset(out) }, info, pointwise, transposed);
  } else {
    const cols = pointwise ? x : scope.output([patches, patchSize]);
    const [pcols, pdy, pout] = [scope.offset(cols), scope.offset(dy), scope.offset(out)];
    if (!pointwise) walkPatches(kernels.im2col, scope.offset(x), pcols, geometry);
    if (transposed) {
      blockedGemm(kernels, { a: pdy, sam: 4, sak: cout * 4, b: pcols, sbk: patchSize * 4, c: pout, scm: patchSize * 4 }, cout, patchSize, patches);
    } else {
      blockedGemm(kernels, { a: pcols, sam: 4, sak: patchSize * 4, b: pdy, sbk: cout * 4, c: pout, scm: cout * 4 }, patchSize, cout, patches);
    }
  }
  return transposed ? scope.reshape(scope.transpose(out, [1, 0]), info.filterShape) : out;
}

/**
 * Whether to compute dF^T = dy^T patches: the operand read across its rows is then dy (Cout
 * wide) instead of the patch matrix, and the long patch side becomes the gemm's columns.
 * Measured on 2 threads: 1.16x for AMDIM's 4x4 32->64 gradient, 1.07x for 2x2 64->128, 1.08x
 * for 3x3 128->128 with 1600 patches but 0.97x with 800; worse for short patches (the 3x3 RGB
 * stem's 27 leaves single columns), and where there are few patches the filter-sized transpose
 * costs more than it saves (3x3 128->256 on 3x3 maps, 64 patches: 2.2x slower).
 */
export function filterGradTransposed(info: tf.backend_util.Conv2DInfo): boolean {
  const patchSize = info.filterHeight * info.filterWidth * info.inChannels;
  const patches = info.batchSize * info.outHeight * info.outWidth;
  return patchSize % 8 === 0 && patchSize >= 2 * info.outChannels && patches >= MIN_TRANSPOSED_PATCHES;
}

const MIN_TRANSPOSED_PATCHES = 1024;
