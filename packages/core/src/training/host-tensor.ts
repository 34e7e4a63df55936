import * as tf from '@tensorflow/tfjs';

export type HostTensorDtype = 'float32' | 'int32' | 'bool';

/** A tensor's values on the host: what a checkpoint holds, independent of any backend. */
export interface HostTensor {
  dtype: HostTensorDtype;
  shape: number[];
  values: Float32Array | Int32Array | Uint8Array;
}

export const BYTES_PER_ELEMENT: Record<HostTensorDtype, number> = { float32: 4, int32: 4, bool: 1 };

export function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** Reads a tensor to the host (async: never blocks the backend's queue). */
export async function toHostTensor(tensor: tf.Tensor): Promise<HostTensor> {
  const dtype = tensor.dtype;
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new Error(`Cannot store a ${dtype} tensor in a checkpoint (float32, int32 and bool only)`);
  }
  const data = await tensor.data();
  // Copy: some backends hand out views of their own storage.
  const values =
    dtype === 'float32' ? Float32Array.from(data as Float32Array) : dtype === 'int32' ? Int32Array.from(data as Int32Array) : Uint8Array.from(data as Uint8Array);
  return { dtype, shape: [...tensor.shape], values };
}

export function fromHostTensor(host: HostTensor): tf.Tensor {
  return tf.tensor(host.values, host.shape, host.dtype);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
