import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { extractTarGz } from '../tar/extract-tar-gz';
import { ChecksumMismatchError, DownloadError } from '../errors';
import { DATASET_MANIFESTS, type DatasetManifest, type FetchableDataset } from './dataset-manifests';
import { downloadFile, type DownloadProgress } from './download-file';
import { md5File } from './md5-file';

export interface FetchProgress extends DownloadProgress {
  /** 0-based position of this file in the data set's file list, and the list's length. */
  fileIndex: number;
  fileCount: number;
  phase: 'download' | 'verify' | 'extract' | 'done';
}

export interface FetchDatasetOptions {
  /** Destination folder; defaults to `$INFOMAX_DATA/<name>`, else `./data/<name>`. */
  dir?: string;
  /** Replaces the manifest's base URLs (a mirror, or a local server in tests). */
  baseUrl?: string;
  onProgress?: (progress: FetchProgress) => void;
  /** Overrides the built-in file list and checksums (tests, private mirrors). */
  manifest?: DatasetManifest;
  retries?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
}

export interface FetchResult {
  dir: string;
  /** Files downloaded now (skipped ones, already present and verified, are not listed). */
  downloaded: string[];
  extracted: string[];
}

/** The folder `fetchDataset` writes to when no `dir` is given (one the loaders search). */
export function defaultFetchDir(name: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return env.INFOMAX_DATA ? resolve(cwd, env.INFOMAX_DATA, name) : resolve(cwd, 'data', name);
}

/**
 * Downloads a data set's official files into a folder the loaders search, verifying each
 * against its published MD5 and unpacking archives. Re-running skips verified files and
 * resumes partial ones.
 */
export async function fetchDataset(name: FetchableDataset, options: FetchDatasetOptions = {}): Promise<FetchResult> {
  const manifest = options.manifest ?? DATASET_MANIFESTS[name];
  if (!manifest) {
    throw new Error(`unknown data set '${name}'; fetchable: ${Object.keys(DATASET_MANIFESTS).join(', ')}`);
  }
  const dir = options.dir ? resolve(options.dir) : defaultFetchDir(name);
  await mkdir(dir, { recursive: true });
  const baseUrls = options.baseUrl ? [options.baseUrl] : manifest.baseUrls;
  const fileCount = manifest.files.length;
  const downloaded: string[] = [];
  const extracted: string[] = [];
  const report = (p: Omit<FetchProgress, 'fileCount'>) => options.onProgress?.({ ...p, fileCount });

  for (const [fileIndex, file] of manifest.files.entries()) {
    const dest = join(dir, file.name);
    const archive = manifest.extract?.includes(file.name) ?? false;
    const unpacked = manifest.provides.every((p) => existsSync(join(dir, p)));
    if (archive && unpacked) {
      report({ file: file.name, fileIndex, bytesDone: 0, phase: 'done' });
      continue;
    }
    if (existsSync(dest)) {
      report({ file: file.name, fileIndex, bytesDone: 0, phase: 'verify' });
      if ((await md5File(dest)) !== file.md5.toLowerCase()) {
        await fetchFile(baseUrls, file.name, dest, file.md5, fileIndex, options, report);
        downloaded.push(dest);
      }
    } else {
      await fetchFile(baseUrls, file.name, dest, file.md5, fileIndex, options, report);
      downloaded.push(dest);
    }
    if (archive) {
      report({ file: file.name, fileIndex, bytesDone: 0, phase: 'extract' });
      extracted.push(...(await extractTarGz(dest, dir)));
    }
    report({ file: file.name, fileIndex, bytesDone: 0, phase: 'done' });
  }
  return { dir, downloaded, extracted };
}

async function fetchFile(
  baseUrls: readonly string[],
  fileName: string,
  dest: string,
  md5: string,
  fileIndex: number,
  options: FetchDatasetOptions,
  report: (p: Omit<FetchProgress, 'fileCount'>) => void,
): Promise<void> {
  const failures: string[] = [];
  for (const base of baseUrls) {
    const url = new URL(fileName, base.endsWith('/') ? base : `${base}/`).toString();
    try {
      await downloadFile(url, dest, {
        md5,
        retries: options.retries,
        retryDelayMs: options.retryDelayMs,
        timeoutMs: options.timeoutMs,
        onProgress: (p) => report({ ...p, fileIndex, phase: 'download' }),
      });
      return;
    } catch (error) {
      // A wrong checksum is not a mirror problem: stop rather than try another host.
      if (error instanceof ChecksumMismatchError || baseUrls.length === 1) throw error;
      failures.push(`  - ${url}: ${(error as Error).message}`);
    }
  }
  throw new DownloadError(`could not download ${fileName} from any mirror:\n${failures.join('\n')}`, false);
}
