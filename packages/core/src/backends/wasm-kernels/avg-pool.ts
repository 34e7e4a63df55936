import * as tf from '@tensorflow/tfjs';
import { simdKernelsFor } from '../wasm-simd/simd-kernels';
import { avgPoolForward, unpaddedPoolInfo } from './avg-pool-windows';

/**
 * AvgPool on wasm: unpadded float32 pools, with infomax's SIMD kernels loaded, as one separable
 * gather (`avgPoolWindows`: each output row sums its window's input rows once, then each pixel
 * its columns). tfjs' own is a scalar loop (measured 2.4 ms for AMDIM's 4x4 stride-2 pool of a
 * [64, 30, 30, 32] map). Padded pools, other dtypes and SIMD off keep the stock kernel.
 */
export function avgPoolWasm(args: Parameters<tf.KernelFunc>[0], stock: tf.KernelFunc): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const kernels = simdKernelsFor(args.backend);
  const info = kernels ? unpaddedPoolInfo(x.shape, [x.dtype], args.attrs) : null;
  if (!kernels || !info) return stock(args) as tf.TensorInfo;
  return avgPoolForward(args.backend, kernels, x, info);
}
