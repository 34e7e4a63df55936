import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatasetNotFoundError } from './errors';

/** Where Debian's dataset-* packages install data sets. */
export const SYSTEM_DATASETS_DIR = '/usr/share/datasets';

export interface SearchLocation {
  dir: string;
  /** Why this folder is searched (shown when nothing is found). */
  origin: string;
}

export interface LocateOptions {
  /** An explicit folder, searched first (as given, then `<dir>/<name>`). */
  dir?: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to process.cwd(). */
  cwd?: string;
  /** Defaults to /usr/share/datasets (tests point it elsewhere). */
  systemDir?: string;
}

/**
 * The folders a data set named `name` is looked for in, in order: an explicit `dir`, then
 * `$INFOMAX_DATA/<name>`, the project's `./data/<name>`, and Debian's `/usr/share/datasets/<name>`.
 */
export function datasetSearchLocations(name: string, options: LocateOptions = {}): SearchLocation[] {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const locations: SearchLocation[] = [];
  if (options.dir) {
    locations.push({ dir: resolve(cwd, options.dir), origin: 'the folder given' });
    locations.push({ dir: resolve(cwd, options.dir, name), origin: 'the folder given' });
  }
  if (env.INFOMAX_DATA) locations.push({ dir: resolve(cwd, env.INFOMAX_DATA, name), origin: '$INFOMAX_DATA' });
  locations.push({ dir: resolve(cwd, 'data', name), origin: "the project's data folder" });
  locations.push({ dir: join(options.systemDir ?? SYSTEM_DATASETS_DIR, name), origin: 'the system data sets' });
  const seen = new Set<string>();
  return locations.filter((l) => !seen.has(l.dir) && seen.add(l.dir));
}

export interface DatasetFileSpec extends LocateOptions {
  /** Data set folder name, e.g. 'fashion-mnist'. */
  name: string;
  /** Human name for messages, e.g. 'Fashion-MNIST (train split)'. */
  title: string;
  /** Files that must all be present. */
  files: readonly string[];
  /** Accept `<file>.gz` for each file. */
  gzip?: boolean;
  /** Sub-folders of each location that may hold the files (e.g. the folder a tarball unpacks to). */
  subfolders?: readonly string[];
  /** How to get the data, one suggestion a line. */
  howToGet: readonly string[];
}

export interface LocatedDataset {
  dir: string;
  /** Requested file name -> the path found (possibly with .gz). */
  paths: Record<string, string>;
}

/** Finds the first folder holding every file of a data set, or throws listing every place searched. */
export function locateDatasetFiles(spec: DatasetFileSpec): LocatedDataset {
  const notes: string[] = [];
  const searched: string[] = [];
  let envNoted = Boolean((spec.env ?? process.env).INFOMAX_DATA);
  for (const location of datasetSearchLocations(spec.name, spec)) {
    if (!envNoted && location.origin !== 'the folder given') {
      notes.push(`  - $INFOMAX_DATA/${spec.name}: INFOMAX_DATA is not set`);
      envNoted = true;
    }
    for (const dir of [location.dir, ...(spec.subfolders ?? []).map((s) => join(location.dir, s))]) {
      searched.push(dir);
      if (!isDirectory(dir)) {
        notes.push(`  - ${dir} (${location.origin}): no such folder`);
        continue;
      }
      const paths: Record<string, string> = {};
      const missing: string[] = [];
      for (const file of spec.files) {
        const candidates = spec.gzip ? [file, `${file}.gz`] : [file];
        const found = candidates.map((c) => join(dir, c)).find((p) => existsSync(p));
        if (found) paths[file] = found;
        else missing.push(spec.gzip ? `${file}(.gz)` : file);
      }
      if (missing.length === 0) return { dir, paths };
      notes.push(`  - ${dir} (${location.origin}): missing ${missing.join(', ')}`);
    }
  }
  const wanted = spec.files.map((f) => (spec.gzip ? `${f}(.gz)` : f)).join(', ');
  throw new DatasetNotFoundError(
    `${spec.title} not found. Looked for ${wanted} in:\n${notes.join('\n')}\n` +
      `Get the data with one of:\n${spec.howToGet.map((h) => `  - ${h}`).join('\n')}`,
    searched,
  );
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
