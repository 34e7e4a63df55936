import { IDX_DTYPES, idxDtypeCode, type IdxData, type IdxDtype } from './idx-types';

const DTYPE_OF: [new (...args: never[]) => IdxData, IdxDtype][] = [
  [Uint8Array, 'uint8'],
  [Int8Array, 'int8'],
  [Int16Array, 'int16'],
  [Int32Array, 'int32'],
  [Float32Array, 'float32'],
  [Float64Array, 'float64'],
];

/**
 * Writes an IDX file (big-endian header and values): the inverse of `parseIdx`, for fixtures,
 * exporting features, and subsets of MNIST-style data.
 */
export function encodeIdx(data: IdxData, dims: readonly number[]): Uint8Array {
  const dtype = DTYPE_OF.find(([ctor]) => data instanceof ctor)?.[1];
  if (!dtype) throw new Error('encodeIdx: data must be a Uint8/Int8/Int16/Int32/Float32/Float64Array');
  if (dims.length === 0 || dims.length > 255) throw new Error(`encodeIdx: need 1..255 dims, got ${dims.length}`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new Error(`encodeIdx: dims [${dims.join(', ')}] hold ${count} values, data has ${data.length}`);
  }
  const elementBytes = IDX_DTYPES[idxDtypeCode(dtype)].bytes;
  const headerLength = 4 + 4 * dims.length;
  const out = new Uint8Array(headerLength + count * elementBytes);
  const view = new DataView(out.buffer);
  out[2] = idxDtypeCode(dtype);
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const at = headerLength + i * elementBytes;
    const v = data[i]!;
    switch (dtype) {
      case 'uint8':
        view.setUint8(at, v);
        break;
      case 'int8':
        view.setInt8(at, v);
        break;
      case 'int16':
        view.setInt16(at, v, false);
        break;
      case 'int32':
        view.setInt32(at, v, false);
        break;
      case 'float32':
        view.setFloat32(at, v, false);
        break;
      case 'float64':
        view.setFloat64(at, v, false);
        break;
    }
  }
  return out;
}
