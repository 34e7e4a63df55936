import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DataFormatError } from '../errors';
import { DEFAULT_MAX_DATA_FILE_BYTES, readCappedFile, tooLargeError, type ReadLimitOptions } from './read-capped-file';

const gunzipAsync = promisify(gunzip);

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * A file's bytes, gunzipped when they are gzip (decided by the magic number, not the file name,
 * since both `x.gz` and renamed files occur in the wild). Both the file and what it unpacks to
 * are capped at `maxBytes`: zlib stops at the cap, so a small crafted .gz cannot expand into
 * gigabytes.
 */
export async function readMaybeGzip(path: string, options: ReadLimitOptions = {}): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DATA_FILE_BYTES;
  const raw = await readCappedFile(path, maxBytes);
  if (!isGzip(raw)) return raw;
  try {
    return await gunzipAsync(raw, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLargeError(path, 'unpacks to', maxBytes);
    }
    throw new DataFormatError(
      `cannot gunzip ${path}: ${(error as Error).message} (the file is corrupt or truncated; delete it and ` +
        `fetch it again)`,
    );
  }
}
