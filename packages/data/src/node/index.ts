export {
  DatasetNotFoundError,
  DownloadError,
  ChecksumMismatchError,
  MissingOptionalDependencyError,
  ImageDecodeError,
} from './errors';
export { readMaybeGzip, isGzip } from './read-maybe-gzip';
export { readCappedFile, DEFAULT_MAX_DATA_FILE_BYTES, type ReadLimitOptions } from './read-capped-file';
export { readIdxFile } from './read-idx-file';
export {
  datasetSearchLocations,
  locateDatasetFiles,
  SYSTEM_DATASETS_DIR,
  type SearchLocation,
  type LocateOptions,
  type DatasetFileSpec,
  type LocatedDataset,
} from './dataset-locations';
export {
  loadFashionMnist,
  loadMnist,
  locateFashionMnist,
  locateMnist,
  idxFileNames,
  type LoadIdxDatasetOptions,
  type Split,
} from './load-mnist';
export {
  loadCifar10,
  loadCifar100,
  locateCifar10,
  locateCifar100,
  CIFAR10_FILES,
  CIFAR100_FILES,
  type LoadCifarOptions,
  type LoadCifar100Options,
} from './load-cifar';
export {
  loadImageFolder,
  IMAGE_EXTENSIONS,
  DEFAULT_MAX_IMAGE_PIXELS,
  type LoadImageFolderOptions,
} from './load-image-folder';
export { loadSharp, type SharpFactory } from './load-sharp';
export { TarParser, type TarEntry, type TarEvent } from './tar/tar-parser';
export { extractTarGz, type ExtractOptions } from './tar/extract-tar-gz';
export {
  DATASET_MANIFESTS,
  FETCHABLE_DATASETS,
  type DatasetManifest,
  type ManifestFile,
  type FetchableDataset,
} from './fetch/dataset-manifests';
export { md5File } from './fetch/md5-file';
export { downloadFile, type DownloadOptions, type DownloadProgress } from './fetch/download-file';
export {
  fetchDataset,
  defaultFetchDir,
  type FetchDatasetOptions,
  type FetchProgress,
  type FetchResult,
} from './fetch/fetch-dataset';
export {
  loadDataset,
  datasetSpecSchema,
  DATASET_NAMES,
  type DatasetName,
  type DatasetSpec,
  type LoadedDataset,
  type LoadDatasetOptions,
} from './load-dataset';
