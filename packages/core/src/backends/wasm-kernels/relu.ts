import * as tf from '@tensorflow/tfjs';
import { threadedMapFor } from '../wasm-threads/wasm-gemm-threads';
import { heapOffset, type WasmHeapBackend } from './wasm-heap';

/**
 * Relu on wasm: large float32 tensors split over the helper threads when they are on (the
 * `relu` map op gives the stock kernel's bits, see `writeRelu`); otherwise the stock kernel.
 */
export function reluWasm(args: Parameters<tf.KernelFunc>[0], stock: tf.KernelFunc): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype !== 'float32') return stock(args) as tf.TensorInfo;
  const n = tf.util.sizeFromShape(x.shape);
  const pool = threadedMapFor(args.backend, 2 * 4 * n);
  if (!pool) return stock(args) as tf.TensorInfo;
  const backend = args.backend as unknown as WasmHeapBackend;
  const out = backend.makeOutput(x.shape.slice(), 'float32');
  pool.map('relu', n, [heapOffset(backend, x), heapOffset(backend, out)], [4, 4], [], 4);
  return out;
}
