import { Rng, z } from '@infomax/core';
import { InvalidDataError } from '../errors';
import type { IndexedDataSource } from '../sources/indexed-data-source';
import { createSyntheticShapes } from '../synthetic/synthetic-shapes';
import { createSyntheticSequences } from '../synthetic/synthetic-sequences';
import type { LocateOptions } from './dataset-locations';
import { DatasetNotFoundError } from './errors';
import { loadCifar10, loadCifar100, locateCifar10, locateCifar100 } from './load-cifar';
import { loadImageFolder } from './load-image-folder';
import { loadFashionMnist, loadMnist, locateFashionMnist, locateMnist } from './load-mnist';

export const DATASET_NAMES = [
  'fashion-mnist',
  'mnist',
  'cifar-10',
  'cifar-100',
  'image-folder',
  'synthetic-shapes',
  'synthetic-sequences',
] as const;

export type DatasetName = (typeof DATASET_NAMES)[number];

/**
 * The largest image side a config may ask for (image size, resize, padding): far above what
 * the encoders here take (28-64), and small enough that one example stays a few megabytes.
 */
const MAX_IMAGE_SIDE = 1024;

/** A data set as a config file or the command line names it. */
export const datasetSpecSchema = z.object({
  name: z.enum(DATASET_NAMES).default('fashion-mnist'),
  split: z.enum(['train', 'test']).default('train'),
  /** Folder to look in first (required for image-folder). */
  dir: z.string().optional(),
  /** Zero-pad images (centred) to this size. */
  padTo: z.number().int().positive().max(MAX_IMAGE_SIDE).optional(),
  /** Batch channels (1 or 3). */
  channels: z.union([z.literal(1), z.literal(3)]).optional(),
  /** Keep only the first N examples. */
  limit: z.number().int().positive().optional(),
  /** When a real data set is not found, use synthetic shapes of the same image size instead. */
  fallbackToSynthetic: z.boolean().default(false),
  /** Synthetic sets: examples per split, image size / sequence length, and seed. */
  count: z.number().int().positive().max(10_000_000).default(10_000),
  imageSize: z.number().int().min(12).max(MAX_IMAGE_SIDE).optional(),
  sequenceLength: z.number().int().min(2).max(10_000_000).default(2048),
  numClasses: z.number().int().min(2).max(256).optional(),
  seed: z.number().int().default(0),
  /** image-folder: resize to this square size. */
  size: z.number().int().positive().max(MAX_IMAGE_SIDE).default(32),
  /** image-folder: an image that does not decode is skipped with a warning, or stops the load. */
  onCorrupt: z.enum(['skip', 'error']).default('skip'),
  /** CIFAR-100 label granularity. */
  labels: z.enum(['fine', 'coarse']).default('fine'),
});

export type DatasetSpec = z.input<typeof datasetSpecSchema>;

export interface LoadDatasetOptions extends Omit<LocateOptions, 'dir'> {
  /** Receives warnings (image-folder: skipped files); defaults to console.warn. */
  onWarning?: (message: string) => void;
}

export interface LoadedDataset {
  source: IndexedDataSource<any>;
  /** Folder the data came from, or 'synthetic'. */
  location: string;
  /** Set when the real data set was missing and synthetic data stands in for it. */
  fallbackReason?: string;
}

/** Image size and channels of each real data set, used to shape a synthetic stand-in. */
const NATIVE_SHAPE: Record<string, { size: number; channels: 1 | 3 }> = {
  'fashion-mnist': { size: 28, channels: 1 },
  mnist: { size: 28, channels: 1 },
  'cifar-10': { size: 32, channels: 3 },
  'cifar-100': { size: 32, channels: 3 },
};

/**
 * Opens the data set a config names (validated with `datasetSpecSchema`), optionally standing
 * in synthetic shapes when the real files are absent: what `infomax train` calls.
 */
export async function loadDataset(
  input: DatasetSpec,
  /** Environment, working and system folders to search (default: this process's), and a warning sink. */
  options: LoadDatasetOptions = {},
): Promise<LoadedDataset> {
  const spec = datasetSpecSchema.parse(input);
  const { onWarning, ...where } = options;
  const output = { padTo: spec.padTo, channels: spec.channels };
  const common = { ...where, split: spec.split, dir: spec.dir, ...output };
  const limit = <T extends IndexedDataSource<T>>(source: T): T =>
    spec.limit !== undefined && spec.limit < source.size ? source.take(spec.limit) : source;
  const splitRng = () => new Rng(spec.seed).fork(spec.split);

  try {
    switch (spec.name) {
      case 'fashion-mnist':
        return { source: limit(await loadFashionMnist(common)), location: locateFashionMnist(common).dir };
      case 'mnist':
        return { source: limit(await loadMnist(common)), location: locateMnist(common).dir };
      case 'cifar-10':
        return { source: limit(await loadCifar10(common)), location: locateCifar10(common).dir };
      case 'cifar-100':
        return {
          source: limit(await loadCifar100({ ...common, labels: spec.labels })),
          location: locateCifar100(common).dir,
        };
      case 'image-folder': {
        if (!spec.dir) {
          throw new InvalidDataError("data set 'image-folder' needs dir: set data.dir to the folder holding one sub-folder per class");
        }
        const source = await loadImageFolder(spec.dir, {
          size: spec.size,
          channels: spec.channels,
          padTo: spec.padTo,
          onCorrupt: spec.onCorrupt,
          ...(onWarning ? { onWarning } : {}),
        });
        return { source: limit(source), location: spec.dir };
      }
      case 'synthetic-shapes': {
        const source = createSyntheticShapes({
          count: spec.limit ?? spec.count,
          imageSize: spec.imageSize ?? 32,
          numClasses: spec.numClasses,
          rng: splitRng(),
          name: `synthetic-shapes/${spec.split}`,
          ...output,
        });
        return { source, location: 'synthetic' };
      }
      case 'synthetic-sequences': {
        const source = createSyntheticSequences({
          count: spec.limit ?? spec.count,
          length: spec.sequenceLength,
          numClasses: spec.numClasses,
          rng: splitRng(),
          name: `synthetic-sequences/${spec.split}`,
        });
        return { source, location: 'synthetic' };
      }
    }
  } catch (error) {
    const native = NATIVE_SHAPE[spec.name];
    if (!(error instanceof DatasetNotFoundError) || !spec.fallbackToSynthetic || !native) throw error;
    const imageSize = spec.imageSize ?? native.size;
    const source = createSyntheticShapes({
      count: spec.limit ?? spec.count,
      imageSize,
      imageChannels: native.channels,
      rng: splitRng(),
      name: `synthetic-shapes/${spec.split} (standing in for ${spec.name})`,
      ...output,
    });
    return { source, location: 'synthetic', fallbackReason: error.message };
  }
}
