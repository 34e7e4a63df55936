import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { basename } from 'node:path';
import { ChecksumMismatchError, DownloadError } from '../errors';
import { md5File } from './md5-file';

export interface DownloadProgress {
  /** File name being downloaded. */
  file: string;
  bytesDone: number;
  /** Unknown when the server sends no length. */
  bytesTotal?: number;
}

export interface DownloadOptions {
  /** Published MD5 (hex); when given, the file is kept only if it matches. */
  md5?: string;
  onProgress?: (progress: DownloadProgress) => void;
  /** Further attempts after a network failure, each resuming from what was received. */
  retries?: number;
  retryDelayMs?: number;
  maxRedirects?: number;
  /** Idle socket timeout. */
  timeoutMs?: number;
}

/**
 * Downloads `url` to `dest`, resumably: bytes go to `<dest>.part`; an existing `.part` is
 * continued with an HTTP Range request; the checksum is verified on the whole file; only then is
 * it renamed to `dest` (atomic on one file system), so `dest` is always complete and verified.
 */
export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<void> {
  const { retries = 3, retryDelayMs = 1000 } = options;
  const part = `${dest}.part`;
  for (let attempt = 0; ; attempt++) {
    try {
      await downloadOnce(url, part, options);
      break;
    } catch (error) {
      const retryable = error instanceof DownloadError ? error.retryable : true;
      if (!retryable || attempt >= retries) throw error;
      if (retryDelayMs > 0) await new Promise((r) => setTimeout(r, retryDelayMs * (attempt + 1)));
    }
  }
  if (options.md5) {
    const actual = await md5File(part);
    if (actual !== options.md5.toLowerCase()) {
      await rm(part, { force: true });
      throw new ChecksumMismatchError(dest, options.md5, actual);
    }
  }
  await rename(part, dest);
}

async function downloadOnce(url: string, part: string, options: DownloadOptions): Promise<void> {
  const file = basename(part, '.part');
  const have = await stat(part).then(
    (s) => s.size,
    () => 0,
  );
  const response = await request(url, have > 0 ? { Range: `bytes=${have}-` } : {}, options);
  const status = response.statusCode ?? 0;

  if (status === 416 && have > 0) {
    // The .part already holds the whole resource; the checksum decides whether it is right.
    response.resume();
    return;
  }
  let start = 0;
  let total: number | undefined;
  if (status === 206 && have > 0) {
    const range = /bytes (\d+)-(\d+)\/(\d+|\*)/.exec(response.headers['content-range'] ?? '');
    if (!range || Number(range[1]) !== have) {
      response.resume();
      // A server that answers a different range cannot be appended to: start over.
      await rm(part, { force: true });
      throw new DownloadError(`${url}: server answered range ${response.headers['content-range']} to bytes=${have}-`, true);
    }
    start = have;
    total = range[3] === '*' ? undefined : Number(range[3]);
  } else if (status === 200) {
    const length = Number(response.headers['content-length']);
    total = Number.isFinite(length) && response.headers['content-length'] !== undefined ? length : undefined;
  } else {
    response.resume();
    const hint = status === 404 ? ' (not found: check the URL or the mirror)' : '';
    throw new DownloadError(`download of ${url} failed: HTTP ${status}${hint}`, status >= 500 || status === 429, status);
  }

  let done = start;
  options.onProgress?.({ file, bytesDone: done, ...(total !== undefined ? { bytesTotal: total } : {}) });
  const out = createWriteStream(part, { flags: start > 0 ? 'a' : 'w' });
  try {
    await new Promise<void>((resolvePromise, reject) => {
      const fail = (error: Error) => reject(new DownloadError(`download of ${url} interrupted at byte ${done}: ${error.message}`, true));
      response.on('data', (chunk: Buffer) => {
        done += chunk.length;
        if (!out.write(chunk)) {
          response.pause();
          out.once('drain', () => response.resume());
        }
        options.onProgress?.({ file, bytesDone: done, ...(total !== undefined ? { bytesTotal: total } : {}) });
      });
      response.on('aborted', () => fail(new Error('connection closed by the server')));
      response.on('error', fail);
      out.on('error', reject);
      response.on('end', () => {
        if (!response.complete) fail(new Error('connection closed before the end of the response'));
        else resolvePromise();
      });
    });
  } finally {
    await new Promise<void>((r) => out.end(r));
  }
  if (total !== undefined && done !== total) {
    throw new DownloadError(`download of ${url} ended at byte ${done} of ${total}`, true);
  }
}

function request(
  url: string,
  headers: Record<string, string>,
  options: DownloadOptions,
  redirects = 0,
): Promise<http.IncomingMessage> {
  const { maxRedirects = 5, timeoutMs = 30_000 } = options;
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
  if (!client) return Promise.reject(new DownloadError(`cannot download ${url}: only http and https URLs are supported`, false));
  return new Promise((resolvePromise, reject) => {
    const req = client.get(target, { headers: { 'User-Agent': 'infomax-data', ...headers } }, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location) {
        response.resume();
        if (redirects >= maxRedirects) {
          reject(new DownloadError(`download of ${url}: more than ${maxRedirects} redirects`, false, status));
          return;
        }
        request(new URL(location, target).toString(), headers, options, redirects + 1).then(resolvePromise, reject);
        return;
      }
      resolvePromise(response);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no data for ${timeoutMs} ms`)));
    req.on('error', (error) => reject(new DownloadError(`download of ${url} failed: ${error.message}`, true)));
  });
}
