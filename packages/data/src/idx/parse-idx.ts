import { DataFormatError } from '../errors';
import { IDX_DTYPES, type IdxDtypeCode, type IdxTensor } from './idx-types';

export interface ParseIdxOptions {
  /** Names the bytes in error messages (a file path, a URL). */
  source?: string;
}

/**
 * Parses an IDX file held in memory. The header is checked against the byte count before
 * anything is allocated, so a truncated or hostile file fails fast instead of allocating what
 * its header claims. uint8 data (every MNIST-style file) is returned as a view, not a copy.
 */
export function parseIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): IdxTensor {
  const where = options.source ? ` in ${options.source}` : '';
  const fail = (message: string): never => {
    throw new DataFormatError(`IDX: ${message}${where}`);
  };

  if (bytes.length === 0) fail('empty input (0 bytes); expected an IDX header');
  if (bytes.length < 4) fail(`truncated header: expected at least 4 bytes, found ${bytes.length}`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const looksGzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
    fail(
      `wrong magic number ${hex(bytes.subarray(0, 4))}: an IDX file starts with 00 00 <dtype> <ndim>` +
        (looksGzip ? ' (these bytes are gzip-compressed: gunzip them first)' : ''),
    );
  }
  const dtypeCode = bytes[2]!;
  const info = IDX_DTYPES[dtypeCode as IdxDtypeCode];
  if (!info) {
    fail(
      `unsupported dtype byte 0x${dtypeCode.toString(16).padStart(2, '0')}; known: ` +
        Object.entries(IDX_DTYPES)
          .map(([code, d]) => `0x${Number(code).toString(16).padStart(2, '0')} ${d.name}`)
          .join(', '),
    );
  }
  const ndim = bytes[3]!;
  if (ndim === 0) fail('zero dimensions in the header');
  const headerLength = 4 + 4 * ndim;
  if (bytes.length < headerLength) {
    fail(`truncated header: ${ndim} dimensions need ${headerLength} bytes, found ${bytes.length}`);
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndim; i++) {
    const dim = view.getUint32(4 + 4 * i, false);
    dims.push(dim);
    count *= dim;
  }
  const elementBytes = info!.bytes;
  const expected = headerLength + count * elementBytes;
  if (!Number.isSafeInteger(expected)) fail(`header dims [${dims.join(', ')}] describe an impossibly large array`);
  if (bytes.length < expected) {
    fail(
      `truncated data: header [${dims.join(', ')}] ${info!.name} needs ${expected} bytes, found ${bytes.length}`,
    );
  }
  if (bytes.length > expected) {
    fail(
      `${bytes.length - expected} unexpected trailing bytes: header [${dims.join(', ')}] ${info!.name} ` +
        `needs ${expected} bytes, found ${bytes.length}`,
    );
  }

  const offset = bytes.byteOffset + headerLength;
  switch (info!.name) {
    case 'uint8':
      return { dtype: 'uint8', dims, data: new Uint8Array(bytes.buffer, offset, count) };
    case 'int8':
      return { dtype: 'int8', dims, data: new Int8Array(bytes.buffer, offset, count) };
    case 'int16': {
      const data = new Int16Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt16(headerLength + 2 * i, false);
      return { dtype: 'int16', dims, data };
    }
    case 'int32': {
      const data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt32(headerLength + 4 * i, false);
      return { dtype: 'int32', dims, data };
    }
    case 'float32': {
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(headerLength + 4 * i, false);
      return { dtype: 'float32', dims, data };
    }
    case 'float64': {
      const data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat64(headerLength + 8 * i, false);
      return { dtype: 'float64', dims, data };
    }
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
