import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Slices below which a gather stays with the stock kernel: a `copyWithin` per slice costs
 * ~0.1-0.2 us, the stock loop ~80 ns per element, so short slices (e.g. along the last axis)
 * are the stock kernel's.
 */
export const GATHER_MIN_SLICE = 16;

/**
 * GatherV2 (batchDims 0) on wasm as one `copyWithin` per gathered slice inside the module's
 * heap. tfjs 4.22's wasm Gather walks every output element through its strides: taking 32 rows
 * of a [800, 256] matrix (AMDIM's 5x5 "global" features) took ~0.7 ms for 8 192 values. Out of
 * range indices throw as the stock kernel does; batched gathers, short slices and strings keep
 * the stock kernel.
 */
export function gatherWasm(args: Parameters<tf.KernelFunc>[0], stock: tf.KernelFunc): tf.TensorInfo {
  const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
  const { axis, batchDims = 0 } = args.attrs as unknown as tf.GatherV2Attrs;
  const backend = args.backend as BackendWasm;
  if (batchDims !== 0 || x.dtype === 'string' || indices.dtype !== 'int32') return stock(args) as tf.TensorInfo;
  const a = tf.util.parseAxisParam(axis, x.shape)[0] ?? 0;
  const slice = tf.util.sizeFromShape(x.shape.slice(a + 1));
  if (slice < GATHER_MIN_SLICE) return stock(args) as tf.TensorInfo;
  const outer = tf.util.sizeFromShape(x.shape.slice(0, a));
  const dim = x.shape[a] ?? 0;
  const index = backend.readSync(indices.dataId) as Int32Array;
  for (const i of index) {
    if (!(i >= 0 && i <= dim - 1)) throw new Error(`GatherV2: the index value ${i} is not in [0, ${dim - 1}]`);
  }
  const out = backend.makeOutput([...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)], x.dtype);
  if (outer * index.length * slice === 0) return out;
  // Views are taken after makeOutput: allocating may grow (and so replace) the heap's buffer.
  const heap = (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8;
  const offsetOf = (t: tf.TensorInfo) => (backend.dataIdMap.get(t.dataId) as unknown as { memoryOffset: number }).memoryOffset;
  const sliceBytes = slice * tf.util.bytesPerElement(x.dtype);
  const src = offsetOf(x);
  let dst = offsetOf(out);
  for (let o = 0; o < outer; o++) {
    const base = src + o * dim * sliceBytes;
    for (const i of index) {
      heap.copyWithin(dst, base + i * sliceBytes, base + (i + 1) * sliceBytes);
      dst += sliceBytes;
    }
  }
  return out;
}
