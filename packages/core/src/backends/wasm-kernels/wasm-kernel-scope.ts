import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Runs wasm kernels directly on the backend from inside another kernel and frees every
 * intermediate it made. Going through the backend (not the public ops) keeps the engine's tape,
 * scopes and tensor counts out of it: a composed kernel looks like one kernel to tfjs.
 *
 * Every result handed out holds one backend reference (wasm's Reshape/Identity share data by
 * adding a reference), so disposing each result once, except the one returned, is exact.
 */
export class WasmKernelScope {
  private readonly intermediates: tf.TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Runs the wasm kernel `kernelName` and tracks its output as an intermediate. */
  run(kernelName: string, inputs: Record<string, tf.TensorInfo> | tf.TensorInfo[], attrs: object = {}): tf.TensorInfo {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (kernel === undefined) {
      throw new Error(`infomax wasm kernels: the wasm backend has no '${kernelName}' kernel to compose with`);
    }
    return this.call(kernel.kernelFunc, inputs, attrs, kernelName);
  }

  /**
   * Runs a kernel function directly (e.g. a stock kernel that an infomax kernel replaced) and
   * tracks its output. Concat-like kernels take their inputs as an array.
   */
  call(
    kernelFunc: tf.KernelFunc,
    inputs: Record<string, tf.TensorInfo> | tf.TensorInfo[],
    attrs: object = {},
    label = 'kernel',
  ): tf.TensorInfo {
    const out = kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, attrs: attrs as tf.NamedAttrMap, backend: this.backend });
    if (Array.isArray(out)) {
      this.intermediates.push(...out);
      throw new Error(`infomax wasm kernels: '${label}' returned ${out.length} outputs, expected one`);
    }
    this.intermediates.push(out);
    return out;
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  slice(x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  /** Copies host values into a new wasm tensor owned by this scope. */
  upload(shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array): tf.TensorInfo {
    const info = this.backend.makeOutput(shape, dtype, undefined, values);
    this.intermediates.push(info);
    return info;
  }

  /** A new uninitialised wasm tensor owned by this scope (for kernels that write it directly). */
  output(shape: number[], dtype: tf.DataType = 'float32'): tf.TensorInfo {
    const info = this.backend.makeOutput(shape, dtype);
    this.intermediates.push(info);
    return info;
  }

  /** Byte offset of a tensor's data in the wasm heap. */
  offset(x: tf.TensorInfo): number {
    return (this.backend.dataIdMap.get(x.dataId) as unknown as { memoryOffset: number }).memoryOffset;
  }

  /**
   * The backend's heap as bytes. Fetch it after allocating outputs: a growing heap replaces it.
   */
  heap(): Uint8Array {
    return (this.backend as BackendWasm & { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8;
  }

  /** Reads a tensor's values: on wasm a copy out of the module's heap, not a device sync. */
  read(x: tf.TensorInfo): Float32Array | Int32Array {
    return this.backend.readSync(x.dataId) as Float32Array | Int32Array;
  }

  /**
   * Frees every intermediate except `result`, which is returned to become the kernel's output.
   * Call it in a `finally` with no result when the kernel throws.
   */
  finish(result?: tf.TensorInfo): void {
    let kept = false;
    for (const info of this.intermediates) {
      if (!kept && info === result) {
        kept = true;
        continue;
      }
      this.backend.disposeData(info.dataId);
    }
    this.intermediates.length = 0;
    // The engine takes ownership of what a kernel returns, so it must be a fresh reference.
    if (result !== undefined && !kept) {
      throw new Error('infomax wasm kernels: a composed kernel must return a tensor it made');
    }
  }
}

/** Runs `body` in a fresh scope and returns its result with all intermediates freed. */
export function composeWasmKernel(
  backend: unknown,
  body: (scope: WasmKernelScope) => tf.TensorInfo,
): tf.TensorInfo {
  const scope = new WasmKernelScope(backend as BackendWasm);
  let result: tf.TensorInfo | undefined;
  try {
    result = body(scope);
  } finally {
    scope.finish(result);
  }
  return result;
}
