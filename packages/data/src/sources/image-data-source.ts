import * as tf from '@tensorflow/tfjs';
import { assertAllocation, DEFAULT_MAX_DATASET_BYTES } from '../allocation-limit';
import { InvalidDataError } from '../errors';
import { IndexedDataSource, type LabelInfo } from './indexed-data-source';
import { assertFinite, validateLabels, type LabelArray } from './labels';

/** How batches are laid out; each view of the same images may differ (see `withOutput`). */
export interface ImageOutputOptions {
  /**
   * Zero-pad each image, centred, to this height and width (a number for a square), e.g. 28x28
   * Fashion-MNIST to 32x32 for encoders built for CIFAR-sized inputs.
   */
  padTo?: number | readonly [number, number];
  /**
   * Channels of the batches: the stored count, 3 from grayscale (replicated), or 1 from RGB
   * (ITU-R 601 luma).
   */
  channels?: number;
}

export interface ImageDataSourceOptions extends ImageOutputOptions {
  name: string;
  /**
   * All images, [N, H, W, C] row-major: bytes (scaled by 1/255 in batches) or floats used as
   * they are (checked finite).
   */
  images: Uint8Array | Float32Array;
  /** [N, H, W, C]. */
  shape: readonly [number, number, number, number];
  labels?: LabelArray | readonly number[];
  /** Defaults to classNames.length, else the largest label + 1. */
  numClasses?: number;
  classNames?: readonly string[];
}

/** The stored images, shared (never copied) by every subset, split and output view. */
interface ImageStore {
  pixels: Uint8Array | Float32Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  labelInfo: LabelInfo;
}

interface OutputLayout {
  height: number;
  width: number;
  channels: number;
}

const FROM_STORE = Symbol('fromStore');

/**
 * Images held as one [N, H, W, C] array (bytes for every real data set: a quarter of the memory
 * of floats, and no second decoded copy). A batch gathers the requested rows straight into the
 * Float32Array a tensor is made from; the source itself holds no tensors.
 */
export class ImageDataSource extends IndexedDataSource<ImageDataSource> {
  readonly exampleShape: readonly [number, number, number];
  private readonly store: ImageStore;
  private readonly output: OutputLayout;
  private readonly outputOptions: ImageOutputOptions;

  constructor(options: ImageDataSourceOptions);
  /** @internal views share a validated store */
  constructor(options: ImageDataSourceOptions, internal: { [FROM_STORE]: ImageStore; rows: Int32Array | null });
  constructor(options: ImageDataSourceOptions, internal?: { [FROM_STORE]: ImageStore; rows: Int32Array | null }) {
    const store = internal ? internal[FROM_STORE] : createStore(options);
    super(options.name, store.count, store.labelInfo, internal ? internal.rows : null);
    this.store = store;
    this.outputOptions = { padTo: options.padTo, channels: options.channels };
    this.output = resolveOutput(options.name, store, options);
    this.exampleShape = [this.output.height, this.output.width, this.output.channels];
  }

  /** Stored (unpadded) image size and channels. */
  get storedShape(): readonly [number, number, number] {
    return [this.store.height, this.store.width, this.store.channels];
  }

  /** The same images with another batch layout (padding, channels); no data is copied. */
  withOutput(output: ImageOutputOptions, name = this.name): ImageDataSource {
    return new ImageDataSource(
      { ...this.baseOptions(name), ...this.outputOptions, ...output },
      { [FROM_STORE]: this.store, rows: this.rows },
    );
  }

  /**
   * The stored values of one example (unpadded, stored channels), as a view into the data set
   * (for thumbnails and reports; do not write to it).
   */
  rawExample(index: number): Uint8Array | Float32Array {
    this.checkIndex(index, 0);
    const row = this.storeRow(index);
    const size = this.store.height * this.store.width * this.store.channels;
    return this.store.pixels.subarray(row * size, (row + 1) * size);
  }

  protected view(rows: Int32Array, name: string): ImageDataSource {
    return new ImageDataSource({ ...this.baseOptions(name), ...this.outputOptions }, { [FROM_STORE]: this.store, rows });
  }

  protected gatherInputs(rows: Int32Array): tf.Tensor4D {
    const { pixels, height: h, width: w, channels: c } = this.store;
    const { height: oh, width: ow, channels: oc } = this.output;
    const scale = pixels instanceof Uint8Array ? 1 / 255 : 1;
    const inSize = h * w * c;
    const outSize = oh * ow * oc;
    const out = new Float32Array(rows.length * outSize);
    const top = (oh - h) >> 1;
    const left = (ow - w) >> 1;
    const plain = oh === h && ow === w && oc === c;

    for (let b = 0; b < rows.length; b++) {
      const src = rows[b]! * inSize;
      const dst = b * outSize;
      if (plain) {
        for (let i = 0; i < inSize; i++) out[dst + i] = pixels[src + i]! * scale;
        continue;
      }
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const si = src + (y * w + x) * c;
          const di = dst + ((y + top) * ow + (x + left)) * oc;
          if (oc === c) {
            for (let k = 0; k < c; k++) out[di + k] = pixels[si + k]! * scale;
          } else if (c === 1) {
            const v = pixels[si]! * scale;
            for (let k = 0; k < oc; k++) out[di + k] = v;
          } else {
            out[di] = (0.299 * pixels[si]! + 0.587 * pixels[si + 1]! + 0.114 * pixels[si + 2]!) * scale;
          }
        }
      }
    }
    return tf.tensor4d(out, [rows.length, oh, ow, oc], 'float32');
  }

  private baseOptions(name: string): ImageDataSourceOptions {
    const { pixels, count, height, width, channels } = this.store;
    return { name, images: pixels, shape: [count, height, width, channels] };
  }
}

function createStore(options: ImageDataSourceOptions): ImageStore {
  const { name, images, shape } = options;
  if (!(images instanceof Uint8Array) && !(images instanceof Float32Array)) {
    throw new InvalidDataError(`${name}: images must be a Uint8Array (0..255) or a Float32Array`);
  }
  if (shape.length !== 4 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InvalidDataError(`${name}: shape must be four positive integers [N, H, W, C], got [${shape.join(', ')}]`);
  }
  const [count, height, width, channels] = shape;
  const expected = count * height * width * channels;
  if (images.length !== expected) {
    throw new InvalidDataError(
      `${name}: shape [${shape.join(', ')}] holds ${expected} values but images has ${images.length}`,
    );
  }
  if (images instanceof Float32Array) assertFinite(name, images, height * width * channels);
  const labelInfo: LabelInfo = { classNames: options.classNames };
  if (options.labels) {
    const checked = validateLabels(name, options.labels, count, options.numClasses, options.classNames);
    labelInfo.labels = checked.labels;
    labelInfo.numClasses = checked.numClasses;
  } else if (options.numClasses !== undefined || options.classNames) {
    labelInfo.numClasses = options.numClasses ?? options.classNames!.length;
  }
  if (!labelInfo.classNames) delete labelInfo.classNames;
  return { pixels: images, count, height, width, channels, labelInfo };
}

function resolveOutput(name: string, store: ImageStore, options: ImageOutputOptions): OutputLayout {
  const channels = options.channels ?? store.channels;
  const convertible = channels === store.channels || (store.channels === 1 && channels === 3) || (store.channels === 3 && channels === 1);
  if (!convertible) {
    throw new InvalidDataError(
      `${name}: cannot make ${channels}-channel batches from ${store.channels}-channel images ` +
        `(supported: the stored count, grayscale to 3, RGB to 1)`,
    );
  }
  const [height, width] =
    options.padTo === undefined
      ? [store.height, store.width]
      : typeof options.padTo === 'number'
        ? [options.padTo, options.padTo]
        : [options.padTo[0], options.padTo[1]];
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < store.height || width < store.width) {
    throw new InvalidDataError(
      `${name}: padTo ${height}x${width} must be integers at least the image size ${store.height}x${store.width} ` +
        `(padding only adds a border; resize or crop in a view transform instead)`,
    );
  }
  // A batch is rows x this many floats: a padTo of 100000 would fail on the first batch otherwise.
  assertAllocation(
    `${name}: one ${height}x${width}x${channels} example in a batch`,
    height * width * channels * 4,
    DEFAULT_MAX_DATASET_BYTES / 64,
    'lower padTo (padding only adds a border of zeros)',
  );
  return { height, width, channels };
}
