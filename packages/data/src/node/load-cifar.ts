import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CIFAR10_CLASS_NAMES, CIFAR_IMAGE_SIZE, parseCifar } from '../cifar/parse-cifar';
import { ImageDataSource, type ImageOutputOptions } from '../sources/image-data-source';
import { locateDatasetFiles, type LocateOptions, type LocatedDataset } from './dataset-locations';
import type { Split } from './load-mnist';
import { readCappedFile, type ReadLimitOptions } from './read-capped-file';

export interface LoadCifarOptions extends LocateOptions, ImageOutputOptions, ReadLimitOptions {
  split?: Split;
}

export interface LoadCifar100Options extends LoadCifarOptions {
  /** The 100 fine classes (default) or the 20 superclasses. */
  labels?: 'fine' | 'coarse';
}

export const CIFAR10_FILES = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
} as const;

export const CIFAR100_FILES = { train: ['train.bin'], test: ['test.bin'] } as const;

export function locateCifar10(options: LoadCifarOptions = {}): LocatedDataset {
  const split = options.split ?? 'train';
  return locateDatasetFiles({
    ...options,
    name: 'cifar-10',
    title: `CIFAR-10 (${split} split, binary version)`,
    files: CIFAR10_FILES[split],
    subfolders: ['cifar-10-batches-bin'],
    howToGet: ['infomax data fetch cifar-10   (downloads and unpacks cifar-10-binary.tar.gz)'],
  });
}

export function locateCifar100(options: LoadCifarOptions = {}): LocatedDataset {
  const split = options.split ?? 'train';
  return locateDatasetFiles({
    ...options,
    name: 'cifar-100',
    title: `CIFAR-100 (${split} split, binary version)`,
    files: CIFAR100_FILES[split],
    subfolders: ['cifar-100-binary'],
    howToGet: ['download cifar-100-binary.tar.gz from the CIFAR page and unpack it into ./data/cifar-100'],
  });
}

/** CIFAR-10 from the binary batches: 50000 train / 10000 test 32x32 RGB images, 10 classes. */
export async function loadCifar10(options: LoadCifarOptions = {}): Promise<ImageDataSource> {
  const split = options.split ?? 'train';
  const { dir, paths } = locateCifar10(options);
  const files = CIFAR10_FILES[split].map((f) => paths[f]!);
  const records = parseCifar(await Promise.all(files.map((f) => readCappedFile(f, options.maxBytes))), { variant: 'cifar-10', sources: files });
  const classNames = (await readNames(join(dir, 'batches.meta.txt'), 10)) ?? CIFAR10_CLASS_NAMES;
  return new ImageDataSource({
    name: `cifar-10/${split}`,
    images: records.images,
    shape: [records.count, CIFAR_IMAGE_SIZE, CIFAR_IMAGE_SIZE, 3],
    labels: records.labels,
    classNames,
    padTo: options.padTo,
    channels: options.channels,
  });
}

/** CIFAR-100 from the binary files, labelled by fine (100) or coarse (20) classes. */
export async function loadCifar100(options: LoadCifar100Options = {}): Promise<ImageDataSource> {
  const split = options.split ?? 'train';
  const which = options.labels ?? 'fine';
  const { dir, paths } = locateCifar100(options);
  const files = CIFAR100_FILES[split].map((f) => paths[f]!);
  const records = parseCifar(await Promise.all(files.map((f) => readCappedFile(f, options.maxBytes))), { variant: 'cifar-100', sources: files });
  const numClasses = which === 'fine' ? 100 : 20;
  const classNames = await readNames(join(dir, `${which}_label_names.txt`), numClasses);
  return new ImageDataSource({
    name: `cifar-100/${split}`,
    images: records.images,
    shape: [records.count, CIFAR_IMAGE_SIZE, CIFAR_IMAGE_SIZE, 3],
    labels: which === 'fine' ? records.labels : records.coarseLabels!,
    numClasses,
    ...(classNames ? { classNames } : {}),
    padTo: options.padTo,
    channels: options.channels,
  });
}

/** Class names from a one-per-line file, when it exists and has the expected count. */
async function readNames(path: string, count: number): Promise<string[] | undefined> {
  if (!existsSync(path)) return undefined;
  // A names file is a few hundred bytes; the cap keeps a crafted one from being read whole.
  const names = (await readCappedFile(path, 1024 ** 2)).toString('utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return names.length === count ? names : undefined;
}
