import { defaultFetchDir, fetchDataset, FETCHABLE_DATASETS, type FetchableDataset } from '@infomax/data/node';
import { resolve } from 'node:path';
import { say, type CliIo } from '../cli-io';
import { usageError } from '../errors/cli-error';
import { ExitCode } from '../errors/exit-codes';
import { TransferProgress } from '../progress/transfer-progress';
import { displayPath } from './train';

export interface DataFetchOptions {
  /** Destination folder; default $INFOMAX_DATA/<name>, else ./data/<name> (both searched by train). */
  dir?: string;
  /** Mirror base URL replacing the built-in ones. */
  baseUrl?: string;
}

/** `infomax data fetch <name>`: download, verify (MD5) and unpack a data set where train finds it. */
export async function dataFetchCommand(name: string, options: DataFetchOptions, io: CliIo): Promise<number> {
  if (!(FETCHABLE_DATASETS as readonly string[]).includes(name)) {
    throw usageError(`cannot fetch '${name}'; fetchable data sets: ${FETCHABLE_DATASETS.join(', ')}`);
  }
  const progress = new TransferProgress({ stream: io.progressStream });
  let result;
  try {
    result = await fetchDataset(name as FetchableDataset, {
      dir: options.dir !== undefined ? resolve(io.cwd, options.dir) : defaultFetchDir(name, io.env, io.cwd),
      ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
      onProgress: (p) => progress.update(p),
    });
  } finally {
    progress.stop();
  }
  const fresh = result.downloaded.length;
  say(
    io,
    `infomax data fetch: ${name} is in ${displayPath(result.dir, io.cwd)}` +
      (fresh > 0 ? ` (${fresh} file${fresh === 1 ? '' : 's'} downloaded and verified)` : ' (already present and verified)'),
  );
  return ExitCode.Ok;
}
