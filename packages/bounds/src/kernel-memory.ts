import type * as tf from '@tensorflow/tfjs';
import type { WasmBackendLike } from './wasm-heap';

/**
 * Host access to kernel inputs and outputs for the backends whose tensors live in this
 * JavaScript process (cpu, wasm); anything else (webgl, webgpu, tfjs-node) gets undefined and
 * the caller composes tfjs ops instead.
 */
export interface KernelMemory {
  /** An input's values, typed by its dtype (bool masks are bytes). Read-only by contract. */
  read(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  /** A new float32 output holding `values`. */
  output(shape: number[], values: Float32Array): tf.TensorInfo;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * On wasm, inputs are copied out of the module's heap and outputs copied in. Measured on
 * Node 20: loops over typed arrays that view the threaded backend's (shared, growable) heap
 * ran ~4x slower than over plain arrays, far more than the copies cost.
 */
function wasmMemory(backend: WasmBackendLike): KernelMemory {
  return {
    read: (info) => {
      const offset = backend.dataIdMap.get(info.dataId)?.memoryOffset;
      if (offset == null) {
        throw new Error(`infomax bounds kernels: a wasm ${info.dtype} tensor has no data (was it disposed?)`);
      }
      const buffer = backend.wasm.HEAPU8.buffer;
      const size = sizeOf(info.shape);
      if (info.dtype === 'float32') return new Float32Array(buffer, offset, size).slice();
      if (info.dtype === 'int32') return new Int32Array(buffer, offset, size).slice();
      if (info.dtype === 'bool') return new Uint8Array(buffer, offset, size).slice();
      throw new TypeError(`infomax bounds kernels: cannot read a ${info.dtype} tensor; use float32, int32 or bool`);
    },
    output: (shape, values) => backend.makeOutput(shape, 'float32', undefined, values),
  };
}

/** On cpu, tensors are host arrays already: inputs are read in place, outputs adopt `values`. */
function cpuMemory(backend: CpuBackendLike): KernelMemory {
  return {
    read: (info) => {
      const values = backend.data.get(info.dataId)?.values;
      if (values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array) return values;
      throw new TypeError(`infomax bounds kernels: a cpu ${info.dtype} tensor has no float32, int32 or bool values`);
    },
    output: (shape, values) => backend.makeTensorInfo(shape, 'float32', values),
  };
}

/** The memory of `backend` registered as `backendName`, or undefined where tensors are not host-visible. */
export function kernelMemory(backendName: string, backend: unknown): KernelMemory | undefined {
  if (backendName === 'wasm') return wasmMemory(backend as WasmBackendLike);
  if (backendName === 'cpu') return cpuMemory(backend as CpuBackendLike);
  return undefined;
}
