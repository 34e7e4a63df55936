import type { IndexedDataSource } from '@infomax/data';
import { loadDataset } from '@infomax/data/node';
import type { DataSpec } from '../config/run-config';

/** A data set opened for a run, with what the startup line and the presets need to know. */
export interface OpenedData {
  spec: DataSpec;
  source: IndexedDataSource<any>;
  /** The folder the files came from, or 'synthetic'. */
  location: string;
  /** Why synthetic data stands in for the requested set, when it does. */
  fallbackReason?: string;
}

export async function openData(
  spec: DataSpec,
  env: NodeJS.ProcessEnv,
  cwd: string,
  /** Where loading warnings go (an image folder's skipped files); default console.warn. */
  onWarning?: (message: string) => void,
): Promise<OpenedData> {
  const loaded = await loadDataset(spec, { env, cwd, ...(onWarning ? { onWarning } : {}) });
  return {
    spec,
    source: loaded.source,
    location: loaded.location,
    ...(loaded.fallbackReason !== undefined ? { fallbackReason: loaded.fallbackReason } : {}),
  };
}

/** `fashion-mnist train, 60000 x 32x32x1, 10 classes, from /usr/share/datasets/fashion-mnist`. */
export function describeData(data: OpenedData): string {
  const { source } = data;
  const classes = source.numClasses !== undefined ? `, ${source.numClasses} classes` : '';
  const origin = data.fallbackReason
    ? `synthetic stand-in (${data.spec.name} not found)`
    : data.location === 'synthetic'
      ? 'generated'
      : `from ${data.location}`;
  return `${source.name}, ${source.size} x ${source.exampleShape.join('x')}${classes}, ${origin}`;
}
