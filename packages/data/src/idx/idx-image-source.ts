import { DataFormatError } from '../errors';
import { ImageDataSource, type ImageOutputOptions } from '../sources/image-data-source';
import { parseIdx } from './parse-idx';

export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export const MNIST_CLASS_NAMES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export interface IdxImageSourceOptions extends ImageOutputOptions {
  name: string;
  /** Bytes of an idx3 uint8 image file [N, H, W] (or idx4 [N, H, W, C]). */
  images: Uint8Array;
  /** Bytes of an idx1 uint8 label file [N]. */
  labels?: Uint8Array;
  classNames?: readonly string[];
  numClasses?: number;
  /** Names of the two inputs in error messages (file paths). */
  sources?: { images?: string; labels?: string };
}

/** An image source from MNIST-style IDX bytes, checking that images and labels agree. */
export function idxImageSource(options: IdxImageSourceOptions): ImageDataSource {
  const images = parseIdx(options.images, { source: options.sources?.images });
  const where = options.sources?.images ? ` in ${options.sources.images}` : '';
  if (images.dtype !== 'uint8' || (images.dims.length !== 3 && images.dims.length !== 4)) {
    throw new DataFormatError(
      `IDX: expected uint8 images [N, H, W] or [N, H, W, C]${where}, found ${images.dtype} [${images.dims.join(', ')}]`,
    );
  }
  const [count, height, width, channels = 1] = images.dims as [number, number, number, number?];
  let labels: Uint8Array | undefined;
  if (options.labels) {
    const parsed = parseIdx(options.labels, { source: options.sources?.labels });
    const labelWhere = options.sources?.labels ? ` in ${options.sources.labels}` : '';
    if (parsed.dtype !== 'uint8' || parsed.dims.length !== 1) {
      throw new DataFormatError(`IDX: expected uint8 labels [N]${labelWhere}, found ${parsed.dtype} [${parsed.dims.join(', ')}]`);
    }
    if (parsed.dims[0] !== count) {
      throw new DataFormatError(
        `IDX: ${parsed.dims[0]} labels${labelWhere} for ${count} images${where}; the two files must come from the same split`,
      );
    }
    labels = parsed.data as Uint8Array;
  }
  return new ImageDataSource({
    name: options.name,
    images: images.data as Uint8Array,
    shape: [count, height, width, channels],
    labels,
    numClasses: options.numClasses,
    classNames: options.classNames,
    padTo: options.padTo,
    channels: options.channels,
  });
}
