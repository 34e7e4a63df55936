/**
 * The element types of the IDX format (LeCun's MNIST files): the third byte of the magic number.
 * Multi-byte values are big-endian in the file.
 */
export const IDX_DTYPES = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
} as const;

export type IdxDtypeCode = keyof typeof IDX_DTYPES;
export type IdxDtype = (typeof IDX_DTYPES)[IdxDtypeCode]['name'];

export interface IdxArrayTypes {
  uint8: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}

export type IdxData = IdxArrayTypes[IdxDtype];

export interface IdxTensor<D extends IdxDtype = IdxDtype> {
  dtype: D;
  /** Dimensions, outermost first (e.g. [60000, 28, 28] for MNIST images). */
  dims: number[];
  /** Row-major values in host byte order. For uint8 a view on the input bytes (no copy). */
  data: IdxArrayTypes[D];
}

export function idxDtypeCode(dtype: IdxDtype): IdxDtypeCode {
  for (const [code, info] of Object.entries(IDX_DTYPES)) {
    if (info.name === dtype) return Number(code) as IdxDtypeCode;
  }
  throw new Error(`Unknown IDX dtype '${dtype}'`);
}
