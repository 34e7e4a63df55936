import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DataFormatError } from '../errors';

const gunzipAsync = promisify(gunzip);

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * A file's bytes, gunzipped when they are gzip (decided by the magic number, not the file name,
 * since both `x.gz` and renamed files occur in the wild).
 */
export async function readMaybeGzip(path: string): Promise<Uint8Array> {
  const raw = await readFile(path);
  if (!isGzip(raw)) return raw;
  try {
    return await gunzipAsync(raw);
  } catch (error) {
    throw new DataFormatError(
      `cannot gunzip ${path}: ${(error as Error).message} (the file is corrupt or truncated; delete it and ` +
        `fetch it again)`,
    );
  }
}
