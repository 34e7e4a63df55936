import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernelsFor } from '../wasm-simd/simd-kernels';
import { zeroBytes } from '../wasm-threads/zero-bytes';
import { depthwiseConv2dBackpropInputWasm } from './depthwise-conv2d-backprop-input';

/**
 * AvgPoolGrad on wasm for unpadded pools: with infomax's SIMD kernels, one pass that adds
 * dy / (kh * kw) over each window (`writeAvgPoolGrad`); without them, the input gradient of a
 * depthwise convolution whose filter is the constant 1 / (kh * kw), which an unpadded average
 * pool is exactly. wasm's own AvgPoolGrad is a scalar loop (measured 50 ms for AMDIM's 4x4
 * stride-2 pool of a [32, 30, 30, 32] map, 11 ms the depthwise form). Padded pools divide by the
 * count of real pixels, which a constant filter cannot express, so they keep the stock kernel.
 */
export function avgPoolGradWasm(args: Parameters<tf.KernelFunc>[0], stock: tf.KernelFunc): tf.TensorInfo {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad } = args.attrs as unknown as tf.AvgPoolGradAttrs;
  const { dimRoundingMode } = args.attrs as { dimRoundingMode?: 'floor' | 'round' | 'ceil' };
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const p = info.padInfo;
  if (p.top + p.bottom + p.left + p.right > 0 || input.dtype !== 'float32') return stock(args) as tf.TensorInfo;
  const backend = args.backend as BackendWasm;
  const { filterHeight: kh, filterWidth: kw, inChannels: c } = info;
  const kernels = simdKernelsFor(backend);
  if (kernels) {
    const dx = backend.makeOutput(input.shape, 'float32');
    const offset = (t: tf.TensorInfo) => (backend.dataIdMap.get(t.dataId) as unknown as { memoryOffset: number }).memoryOffset;
    const pdx = offset(dx);
    const heap = (backend as BackendWasm & { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8;
    zeroBytes(heap.buffer, pdx, tf.util.sizeFromShape(input.shape) * 4);
    kernels.avgPoolGrad(
      pdx, offset(dy), info.batchSize, info.inHeight, info.inWidth, c, kh, kw,
      info.outHeight, info.outWidth, info.strideHeight, info.strideWidth, 1 / (kh * kw),
    );
    return dx;
  }
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
