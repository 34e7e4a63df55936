import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernelsFor } from '../wasm-simd/simd-kernels';
import { avgPoolGradient, unpaddedPoolInfo } from './avg-pool-windows';
import { depthwiseConv2dBackpropInputWasm } from './depthwise-conv2d-backprop-input';

/**
 * AvgPoolGrad on wasm for unpadded pools: with infomax's SIMD kernels, one gather that writes
 * each dx pixel once as dy summed over the windows covering it, over (kh * kw)
 * (`avgPoolWindows`; the earlier scatter zeroed dx then added into every window: 4.9 ms for
 * AMDIM's 4x4 stride-2 pool of a [64, 30, 30, 32] map); without them, the input gradient of a
 * depthwise convolution whose filter is the constant 1 / (kh * kw), which an unpadded average
 * pool is exactly. wasm's own AvgPoolGrad is a scalar loop (measured 50 ms for a [32, 30, 30, 32]
 * map, 11 ms the depthwise form). Padded pools divide by the count of real pixels, which
 * neither form expresses, so they keep the stock kernel.
 */
export function avgPoolGradWasm(args: Parameters<tf.KernelFunc>[0], stock: tf.KernelFunc): tf.TensorInfo {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const info = unpaddedPoolInfo(input.shape, [input.dtype, dy.dtype], args.attrs);
  if (!info) return stock(args) as tf.TensorInfo;
  const backend = args.backend as BackendWasm;
  const kernels = simdKernelsFor(backend);
  if (kernels) return avgPoolGradient(backend, kernels, dy, info);
  const { filterHeight: kh, filterWidth: kw, inChannels: c } = info;
  const { dimRoundingMode } = args.attrs as { dimRoundingMode?: 'floor' | 'round' | 'ceil' };
  const weights = new Float32Array(kh * kw * c).fill(1 / (kh * kw));
  const filter = backend.makeOutput([kh, kw, c, 1], 'float32', undefined, weights);
  try {
    return depthwiseConv2dBackpropInputWasm({
      inputs: { dy, filter },
      backend,
      attrs: {
        strides: [info.strideHeight, info.strideWidth],
        dilations: [1, 1],
        pad: 'valid',
        dimRoundingMode,
        inputShape: input.shape,
      } as unknown as tf.NamedAttrMap,
    });
  } finally {
    backend.disposeData(filter.dataId);
  }
}
