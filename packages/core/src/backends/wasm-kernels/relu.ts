import * as tf from '@tensorflow/tfjs';
import { threadedMapFor } from '../wasm-threads/wasm-gemm-threads';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  dataIdMap: { get(id: object): { memoryOffset: number } };
}

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
  const backend = args.backend as unknown as WasmBackendLike;
  const out = backend.makeOutput(x.shape.slice(), 'float32');
  const offset = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
  pool.map('relu', n, [offset(x), offset(out)], [4, 4], [], 4);
  return out;
}
