import * as tf from '@tensorflow/tfjs';
import { simdKernelsFor } from '../wasm-simd/simd-kernels';
import { copyRows } from './copy-rows';
import { heapOffset, type WasmHeapBackend } from './wasm-heap';

/**
 * PadV2 on wasm for a constant pad of the last axis only (a channel pad, e.g. AMDIM's
 * shortcut widening 32 -> 64 channels): one row copy pass with the pad written around each
 * row (`copyRows`), split over the helper threads when large. Other pads keep the stock kernel.
 */
export function padWasm(args: Parameters<tf.KernelFunc>[0], stock: tf.KernelFunc): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { paddings, constantValue } = args.attrs as unknown as tf.PadV2Attrs;
  const kernels = simdKernelsFor(args.backend);
  const rank = x.shape.length;
  const lastOnly = paddings.length === rank && paddings.every(([before, after], axis) => axis === rank - 1 || (before === 0 && after === 0));
  if (!kernels || x.dtype !== 'float32' || rank < 1 || !lastOnly) return stock(args) as tf.TensorInfo;
  const [before = 0, after = 0] = paddings[rank - 1] ?? [];
  const channels = x.shape[rank - 1] ?? 0;
  const outShape = x.shape.map((d, axis) => (axis === rank - 1 ? d + before + after : d));
  const backend = args.backend as unknown as WasmHeapBackend;
  const out = backend.makeOutput(outShape, 'float32');
  const rows = channels === 0 ? 0 : tf.util.sizeFromShape(x.shape) / channels;
  if (rows === 0 && tf.util.sizeFromShape(outShape) > 0) {
    // No input values: every output value is the pad.
    new Float32Array(backend.wasm.HEAPU8.buffer, heapOffset(backend, out), tf.util.sizeFromShape(outShape)).fill(constantValue);
    return out;
  }
  copyRows(args.backend, kernels, {
    src: heapOffset(backend, x),
    dst: heapOffset(backend, out),
    rows,
    bytes: channels * 4,
    srcStride: channels * 4,
    dstStride: (channels + before + after) * 4,
    padBefore: before * 4,
    padAfter: after * 4,
    fill: constantValue,
  });
  return out;
}
