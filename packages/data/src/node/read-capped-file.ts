import { open } from 'node:fs/promises';
import { DataFormatError } from '../errors';
import { formatBytes } from '../allocation-limit';

/**
 * The largest data file read by default, before and after gunzip. The biggest file infomax
 * reads (MNIST's train images, 47 MB unpacked) is a tenth of it; a gzip file that unpacks
 * beyond it is a decompression bomb or not a data file at all.
 */
export const DEFAULT_MAX_DATA_FILE_BYTES = 512 * 1024 ** 2;

export interface ReadLimitOptions {
  /** Refuse files (and gunzipped contents) larger than this; default DEFAULT_MAX_DATA_FILE_BYTES. */
  maxBytes?: number;
}

export function tooLargeError(path: string, what: string, maxBytes: number): DataFormatError {
  return new DataFormatError(
    `${path} ${what} more than the ${formatBytes(maxBytes)} a data file may hold; it is not a data set infomax ` +
      `reads (or is crafted). If it is genuine, pass a larger maxBytes to the loader`,
  );
}

/** A file's bytes, refusing (by its size on disk, before reading) one larger than `maxBytes`. */
export async function readCappedFile(path: string, maxBytes = DEFAULT_MAX_DATA_FILE_BYTES): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw tooLargeError(path, `holds ${formatBytes(size)},`, maxBytes);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
