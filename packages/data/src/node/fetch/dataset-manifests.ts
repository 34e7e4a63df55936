/**
 * Where the downloadable data sets come from and their published MD5 checksums.
 *
 * NOTE: these URLs and checksums were written down from memory of the data sets' official pages
 * (Fashion-MNIST's README, the MNIST mirrors, the CIFAR page), not copied from them while
 * online: this machine is offline. If a checksum is wrong, `fetchDataset` fails loudly
 * (ChecksumMismatchError) instead of keeping the file; correct the table here in one place.
 */
export interface ManifestFile {
  /** File name on the server and on disk. */
  name: string;
  md5: string;
}

export interface DatasetManifest {
  /** Base URLs tried in order (mirrors); each file is fetched from `<base><file name>`. */
  baseUrls: readonly string[];
  files: readonly ManifestFile[];
  /** Archives (by file name) unpacked after download. */
  extract?: readonly string[];
  /** Paths (relative to the data set folder) that exist once the data set is unpacked. */
  provides: readonly string[];
}

export type FetchableDataset = 'fashion-mnist' | 'mnist' | 'cifar-10';

export const FETCHABLE_DATASETS: readonly FetchableDataset[] = ['fashion-mnist', 'mnist', 'cifar-10'];

const idxFiles = (md5: [string, string, string, string]): ManifestFile[] => [
  { name: 'train-images-idx3-ubyte.gz', md5: md5[0] },
  { name: 'train-labels-idx1-ubyte.gz', md5: md5[1] },
  { name: 't10k-images-idx3-ubyte.gz', md5: md5[2] },
  { name: 't10k-labels-idx1-ubyte.gz', md5: md5[3] },
];

export const DATASET_MANIFESTS: Readonly<Record<FetchableDataset, DatasetManifest>> = {
  'fashion-mnist': {
    baseUrls: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'],
    files: idxFiles([
      '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      '25c81989df183df01b3e8a0aad5dffbe',
      'bef4ecab320f06d8554ea6380940ec79',
      'bb300cfdad3c16e7a12a480ee83cd310',
    ]),
    provides: idxFiles(['', '', '', '']).map((f) => f.name),
  },
  mnist: {
    // The original host often refuses scripted downloads; the mirror serves the same files.
    baseUrls: ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'http://yann.lecun.com/exdb/mnist/'],
    files: idxFiles([
      'f68b3c2dcbeaaa9fbdd348bbdeb94873',
      'd53e105ee54ea40749a09fcbcd1e9432',
      '9fb629c4189551a2d022fa330f9573f3',
      'ec29112dd5afa0611ce80d1b7f02629c',
    ]),
    provides: idxFiles(['', '', '', '']).map((f) => f.name),
  },
  'cifar-10': {
    baseUrls: ['https://www.cs.toronto.edu/~kriz/'],
    files: [{ name: 'cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530' }],
    extract: ['cifar-10-binary.tar.gz'],
    provides: [
      'cifar-10-batches-bin/data_batch_1.bin',
      'cifar-10-batches-bin/data_batch_2.bin',
      'cifar-10-batches-bin/data_batch_3.bin',
      'cifar-10-batches-bin/data_batch_4.bin',
      'cifar-10-batches-bin/data_batch_5.bin',
      'cifar-10-batches-bin/test_batch.bin',
    ],
  },
};
