import { parseIdx } from '../idx/parse-idx';
import type { IdxTensor } from '../idx/idx-types';
import { readMaybeGzip } from './read-maybe-gzip';
import type { ReadLimitOptions } from './read-capped-file';

/** Reads an IDX file, raw or gzip-compressed; errors name the file. */
export async function readIdxFile(path: string, options: ReadLimitOptions = {}): Promise<IdxTensor> {
  return parseIdx(await readMaybeGzip(path, options), { source: path });
}
