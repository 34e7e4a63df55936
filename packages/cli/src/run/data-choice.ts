import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DATASET_NAMES } from '@infomax/data/node';
import { usageError } from '../errors/cli-error';

/** Short names `--data` accepts besides the data sets' own names. */
const ALIASES: Record<string, string> = { synthetic: 'synthetic-shapes', 'fashion_mnist': 'fashion-mnist', cifar10: 'cifar-10' };

/**
 * The data layer of `--data <value>`: a data set name (or `synthetic`), else a folder of
 * images with one sub-folder per class. `dir` is cleared for named sets: a folder meant for
 * another data set (from a config file) would only mislead the search.
 */
export function dataFlagLayer(value: string, cwd: string): Record<string, unknown> {
  const name = ALIASES[value] ?? value;
  if ((DATASET_NAMES as readonly string[]).includes(name) && name !== 'image-folder') return { name, dir: undefined };
  const folder = resolve(cwd, value);
  if (existsSync(folder) && statSync(folder).isDirectory()) return { name: 'image-folder', dir: folder };
  throw usageError(
    `--data '${value}' is neither a data set nor a folder`,
    `use one of ${['fashion-mnist', 'mnist', 'cifar-10', 'cifar-100', 'synthetic', 'synthetic-sequences'].join(', ')}, ` +
      'or a folder of images with one sub-folder per class',
  );
}

/** What trains when neither the flags nor the config name data: Fashion-MNIST, else synthetic shapes. */
export const DEFAULT_DATA = { name: 'fashion-mnist', fallbackToSynthetic: true } as const;
