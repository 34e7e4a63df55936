import { readdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { assertAllocation, DEFAULT_MAX_DATASET_BYTES } from '../allocation-limit';
import { InvalidDataError } from '../errors';
import { ImageDataSource, type ImageOutputOptions } from '../sources/image-data-source';
import { ImageDecodeError } from './errors';
import { loadSharp, type SharpFactory } from './load-sharp';

/** 50 megapixels: above any camera's photo, far below what a crafted header can claim (4 Gpx). */
export const DEFAULT_MAX_IMAGE_PIXELS = 50_000_000;

export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif'];

export interface LoadImageFolderOptions extends Omit<ImageOutputOptions, 'channels'> {
  /** Images are resized to size x size. */
  size: number;
  /** Stored channels: 1 (grayscale) or 3 (RGB; alpha is flattened onto black). */
  channels?: 1 | 3;
  /** A file that does not decode: warn and skip it (default), or fail naming it. */
  onCorrupt?: 'skip' | 'error';
  /** 'cover' crops to fill the square (default, keeps aspect ratio); 'fill' stretches. */
  fit?: 'cover' | 'fill' | 'contain';
  /** File extensions read, lower case with the dot. */
  extensions?: readonly string[];
  /** Receives warnings (skipped files, empty classes); defaults to console.warn. */
  onWarning?: (message: string) => void;
  /** Images decoded at once (sharp decodes on libuv's thread pool). */
  concurrency?: number;
  name?: string;
  /**
   * Images whose header claims more pixels are not decoded (a corrupt image: skipped or an
   * error by `onCorrupt`); sharp checks the header before allocating. Default 50 megapixels.
   */
  maxImagePixels?: number;
  /** Refuse folders whose resized images need more bytes than this; default DEFAULT_MAX_DATASET_BYTES. */
  maxBytes?: number;
  /** For tests and custom builds: how to obtain sharp. */
  importSharp?: () => Promise<unknown>;
}

/**
 * An image-classification folder: one sub-folder per class (classes sorted by name), images in
 * each decoded with sharp, resized to a square and stored as one byte array.
 */
export async function loadImageFolder(dir: string, options: LoadImageFolderOptions): Promise<ImageDataSource> {
  const { size, channels = 3, onCorrupt = 'skip', fit = 'cover', concurrency = 4, maxImagePixels = DEFAULT_MAX_IMAGE_PIXELS } = options;
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const extensions = new Set(options.extensions ?? IMAGE_EXTENSIONS);
  const root = resolve(dir);
  const name = options.name ?? `folder:${basename(root)}`;
  if (!Number.isInteger(size) || size < 1) throw new InvalidDataError(`${name}: size must be a positive integer, got ${size}`);
  if (channels !== 1 && channels !== 3) throw new InvalidDataError(`${name}: channels must be 1 or 3, got ${channels}`);
  if (onCorrupt !== 'skip' && onCorrupt !== 'error') {
    throw new InvalidDataError(`${name}: onCorrupt must be 'skip' or 'error', got ${String(onCorrupt)}`);
  }

  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    throw new InvalidDataError(`${name}: cannot read image folder ${root}: ${(error as Error).message}`);
  }
  const classNames = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  if (classNames.length === 0) {
    throw new InvalidDataError(`${name}: no class sub-folders in ${root}; expected ${root}/<class>/<image files>`);
  }

  const files: { path: string; label: number }[] = [];
  for (const [label, className] of classNames.entries()) {
    const classDir = join(root, className);
    const images = (await readdir(classDir, { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith('.') && extensions.has(extname(e.name).toLowerCase()))
      .map((e) => e.name)
      .sort();
    if (images.length === 0) warn(`${name}: class folder ${classDir} holds no images (${[...extensions].join(' ')})`);
    for (const image of images) files.push({ path: join(classDir, image), label });
  }
  if (files.length === 0) throw new InvalidDataError(`${name}: no images found under ${root}`);

  const exampleBytes = size * size * channels;
  assertAllocation(
    `${name}: ${files.length} images of ${size}x${size}x${channels}`,
    files.length * exampleBytes,
    options.maxBytes ?? DEFAULT_MAX_DATASET_BYTES,
    'lower the image size (data.size) or use fewer images',
  );
  const sharp = await loadSharp(options.importSharp);
  const pixels = new Uint8Array(files.length * exampleBytes);
  const decoded = new Array<boolean>(files.length).fill(false);

  for (let start = 0; start < files.length; start += concurrency) {
    const chunk = files.slice(start, start + concurrency);
    await Promise.all(
      chunk.map(async (file, offset) => {
        const index = start + offset;
        try {
          const data = await decode(sharp, file.path, size, channels, fit, maxImagePixels);
          pixels.set(data, index * exampleBytes);
          decoded[index] = true;
        } catch (error) {
          const failure = error instanceof ImageDecodeError ? error : new ImageDecodeError(file.path, (error as Error).message);
          if (onCorrupt === 'error') throw failure;
          warn(`${name}: skipping ${failure.message}`);
        }
      }),
    );
  }

  // Compact the decoded images to the front in place, so skipping never copies the whole set.
  let kept = 0;
  const labels: number[] = [];
  for (let i = 0; i < files.length; i++) {
    if (!decoded[i]) continue;
    if (kept !== i) pixels.copyWithin(kept * exampleBytes, i * exampleBytes, (i + 1) * exampleBytes);
    labels.push(files[i]!.label);
    kept++;
  }
  if (kept === 0) throw new InvalidDataError(`${name}: none of the ${files.length} images under ${root} could be decoded`);

  return new ImageDataSource({
    name,
    images: kept === files.length ? pixels : pixels.subarray(0, kept * exampleBytes),
    shape: [kept, size, size, channels],
    labels: classNames.length <= 256 ? Uint8Array.from(labels) : Int32Array.from(labels),
    classNames,
    padTo: options.padTo,
  });
}

async function decode(
  sharp: SharpFactory,
  path: string,
  size: number,
  channels: 1 | 3,
  fit: 'cover' | 'fill' | 'contain',
  maxImagePixels: number,
): Promise<Uint8Array> {
  const pipeline = sharp(path, { failOn: 'error', limitInputPixels: maxImagePixels })
    .resize(size, size, { fit, background: { r: 0, g: 0, b: 0, alpha: 1 } })
    .flatten({ background: { r: 0, g: 0, b: 0 } })
    .toColourspace(channels === 1 ? 'b-w' : 'srgb');
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== channels || data.length !== size * size * channels) {
    throw new ImageDecodeError(path, `decoded to ${info.width}x${info.height}x${info.channels}, expected ${size}x${size}x${channels}`);
  }
  return data;
}
