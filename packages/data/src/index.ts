export { DataFormatError, BatchRequestError, InvalidDataError } from './errors';
export { DEFAULT_MAX_DATASET_BYTES, assertAllocation, formatBytes } from './allocation-limit';
export { parseIdx, type ParseIdxOptions } from './idx/parse-idx';
export { encodeIdx } from './idx/encode-idx';
export { IDX_DTYPES, type IdxDtype, type IdxData, type IdxTensor, type IdxArrayTypes } from './idx/idx-types';
export {
  parseCifar,
  cifarRecordBytes,
  CIFAR_IMAGE_SIZE,
  CIFAR10_CLASS_NAMES,
  type CifarVariant,
  type CifarParseOptions,
  type CifarRecords,
} from './cifar/parse-cifar';
export { idxImageSource, FASHION_MNIST_CLASS_NAMES, MNIST_CLASS_NAMES, type IdxImageSourceOptions } from './idx/idx-image-source';
export { IndexedDataSource, type LabelInfo, type SplitOptions } from './sources/indexed-data-source';
export {
  ImageDataSource,
  type ImageDataSourceOptions,
  type ImageOutputOptions,
} from './sources/image-data-source';
export { SequenceDataSource, type SequenceDataSourceOptions } from './sources/sequence-data-source';
export { validateLabels, type LabelArray } from './sources/labels';
export {
  createSyntheticShapes,
  balancedLabels,
  SYNTHETIC_SHAPE_CLASSES,
  type SyntheticShapesOptions,
} from './synthetic/synthetic-shapes';
export {
  createSyntheticSequences,
  syntheticSequenceFrequencies,
  type SyntheticSequencesOptions,
} from './synthetic/synthetic-sequences';
export { batchIndices, countBatches, type BatchIndicesOptions } from './batching/batch-indices';
