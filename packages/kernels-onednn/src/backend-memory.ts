import type * as tf from '@tensorflow/tfjs';

/**
 * Float32 views of kernel inputs and outputs on the backends the addon serves, without copies:
 * on wasm a view of the module's heap at the tensor's offset, on cpu the tensor's own buffer.
 */
export interface BackendMemory {
  /** A view of a float32 input's values. */
  input(info: tf.TensorInfo): Float32Array;
  /** Allocates a float32 output; its view comes from `view` once all outputs are allocated. */
  output(shape: number[]): tf.TensorInfo;
  /** A view of an output made by `output`. On wasm, take views only after the last allocation: growing the heap detaches older views. */
  view(info: tf.TensorInfo): Float32Array;
}

interface WasmLike {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

interface CpuLike {
  data: { get(dataId: object): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function wasmMemory(backend: WasmLike): BackendMemory {
  const view = (info: tf.TensorInfo): Float32Array => {
    const entry = backend.dataIdMap.get(info.dataId);
    if (entry === undefined) throw new Error('infomax oneDNN kernels: a wasm tensor has no data (disposed?)');
    return new Float32Array(backend.wasm.HEAPU8.buffer, entry.memoryOffset, size(info.shape));
  };
  return { input: view, view, output: (shape) => backend.makeOutput(shape, 'float32') };
}

function cpuMemory(backend: CpuLike): BackendMemory {
  const pending = new Map<object, Float32Array>();
  const view = (info: tf.TensorInfo): Float32Array => {
    const own = pending.get(info.dataId);
    if (own) return own;
    const values = backend.data.get(info.dataId)?.values;
    if (!(values instanceof Float32Array)) throw new Error('infomax oneDNN kernels: a cpu tensor has no float32 values');
    return values;
  };
  return {
    input: view,
    view,
    output: (shape) => {
      const values = new Float32Array(size(shape));
      const info = backend.makeTensorInfo(shape, 'float32', values);
      pending.set(info.dataId, values);
      return info;
    },
  };
}

/** Memory access for `backendName`'s backend object, or undefined for backends the addon skips. */
export function backendMemory(backendName: string, backend: unknown): BackendMemory | undefined {
  if (backendName === 'wasm') return wasmMemory(backend as WasmLike);
  if (backendName === 'cpu') return cpuMemory(backend as CpuLike);
  return undefined;
}
