import { FASHION_MNIST_CLASS_NAMES, MNIST_CLASS_NAMES, idxImageSource } from '../idx/idx-image-source';
import type { ImageDataSource, ImageOutputOptions } from '../sources/image-data-source';
import { locateDatasetFiles, type LocateOptions, type LocatedDataset } from './dataset-locations';
import { readMaybeGzip } from './read-maybe-gzip';
import type { ReadLimitOptions } from './read-capped-file';

export type Split = 'train' | 'test';

export interface LoadIdxDatasetOptions extends LocateOptions, ImageOutputOptions, ReadLimitOptions {
  split?: Split;
}

interface IdxDatasetInfo {
  name: 'fashion-mnist' | 'mnist';
  title: string;
  classNames: readonly string[];
  howToGet: readonly string[];
}

const FASHION_MNIST: IdxDatasetInfo = {
  name: 'fashion-mnist',
  title: 'Fashion-MNIST',
  classNames: FASHION_MNIST_CLASS_NAMES,
  howToGet: [
    'apt-get install dataset-fashion-mnist   (Debian: installs to /usr/share/datasets/fashion-mnist)',
    'infomax data fetch fashion-mnist        (downloads to $INFOMAX_DATA/fashion-mnist or ./data/fashion-mnist)',
  ],
};

const MNIST: IdxDatasetInfo = {
  name: 'mnist',
  title: 'MNIST',
  classNames: MNIST_CLASS_NAMES,
  howToGet: ['infomax data fetch mnist   (downloads to $INFOMAX_DATA/mnist or ./data/mnist)'],
};

/** The two IDX files of a split, as the original distributions name them. */
export function idxFileNames(split: Split): { images: string; labels: string } {
  const prefix = split === 'train' ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}

/** Where Fashion-MNIST's files for a split are (or a DatasetNotFoundError listing every place searched). */
export function locateFashionMnist(options: LoadIdxDatasetOptions = {}): LocatedDataset {
  return locate(FASHION_MNIST, options);
}

export function locateMnist(options: LoadIdxDatasetOptions = {}): LocatedDataset {
  return locate(MNIST, options);
}

/** Fashion-MNIST: 60000 train / 10000 test 28x28 grayscale images of 10 clothing classes. */
export function loadFashionMnist(options: LoadIdxDatasetOptions = {}): Promise<ImageDataSource> {
  return load(FASHION_MNIST, options);
}

/** MNIST handwritten digits, same layout as Fashion-MNIST. */
export function loadMnist(options: LoadIdxDatasetOptions = {}): Promise<ImageDataSource> {
  return load(MNIST, options);
}

function locate(info: IdxDatasetInfo, options: LoadIdxDatasetOptions): LocatedDataset {
  const split = options.split ?? 'train';
  const files = idxFileNames(split);
  return locateDatasetFiles({
    ...options,
    name: info.name,
    title: `${info.title} (${split} split)`,
    files: [files.images, files.labels],
    gzip: true,
    howToGet: info.howToGet,
  });
}

async function load(info: IdxDatasetInfo, options: LoadIdxDatasetOptions): Promise<ImageDataSource> {
  const split = options.split ?? 'train';
  const files = idxFileNames(split);
  const { paths } = locate(info, options);
  const imagesPath = paths[files.images]!;
  const labelsPath = paths[files.labels]!;
  const limit = { maxBytes: options.maxBytes };
  const [images, labels] = await Promise.all([readMaybeGzip(imagesPath, limit), readMaybeGzip(labelsPath, limit)]);
  return idxImageSource({
    name: `${info.name}/${split}`,
    images,
    labels,
    classNames: info.classNames,
    sources: { images: imagesPath, labels: labelsPath },
    padTo: options.padTo,
    channels: options.channels,
  });
}
