import type * as tf from '@tensorflow/tfjs';

/** The parts of the tfjs wasm backend the bounds kernels use. */
export interface WasmBackendLike {
  dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  wasm: { HEAPU8: Uint8Array; _malloc(bytes: number): number; _free(offset: number): void };
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
}

/**
 * Tensors and scratch as byte addresses in the wasm backend's heap, for kernels that work there
 * in place. Views of the heap (`buffer`) are only valid until the next allocation, which may
 * grow (and so replace) the heap's buffer: allocate everything first, then view.
 */
export class WasmHeap {
  constructor(private readonly backend: WasmBackendLike) {}

  /** The heap's current buffer (a SharedArrayBuffer on a threaded backend). */
  get buffer(): ArrayBufferLike {
    return this.backend.wasm.HEAPU8.buffer;
  }

  offsetOf(info: tf.TensorInfo): number {
    const offset = this.backend.dataIdMap.get(info.dataId)?.memoryOffset;
    if (offset == null) throw new Error(`infomax bounds kernels: a wasm ${info.dtype} tensor has no data (was it disposed?)`);
    return offset;
  }

  /** A new float32 output, its values unset: the kernel writes every one. */
  output(shape: number[]): { info: tf.TensorInfo; offset: number } {
    const info = this.backend.makeOutput(shape, 'float32');
    return { info, offset: this.offsetOf(info) };
  }

  /** A new float32 output holding `values`. */
  outputOf(shape: number[], values: Float32Array): tf.TensorInfo {
    return this.backend.makeOutput(shape, 'float32', undefined, values);
  }

  /** A float32 scalar tensor's value. */
  scalar(info: tf.TensorInfo): number {
    return new Float32Array(this.buffer, this.offsetOf(info), 1)[0]!;
  }

  /** `use(address)` with `bytes` of 16-byte aligned scratch, freed afterwards. */
  withScratch<T>(bytes: number, use: (address: number) => T): T {
    const raw = this.backend.wasm._malloc(bytes + 15);
    if (raw === 0) throw new Error(`infomax bounds kernels: the wasm heap has no room for ${bytes} bytes of scratch`);
    try {
      return use((raw + 15) & ~15);
    } finally {
      this.backend.wasm._free(raw);
    }
  }
}
