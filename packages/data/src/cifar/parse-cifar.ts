import { DataFormatError } from '../errors';

export type CifarVariant = 'cifar-10' | 'cifar-100';

export const CIFAR_IMAGE_SIZE = 32;
const PIXELS = CIFAR_IMAGE_SIZE * CIFAR_IMAGE_SIZE;
const IMAGE_BYTES = 3 * PIXELS;

export interface CifarParseOptions {
  variant: CifarVariant;
  /** Names each chunk in error messages (file names), in the order the chunks are given. */
  sources?: readonly string[];
}

export interface CifarRecords {
  count: number;
  /** [count, 32, 32, 3] HWC, the layout every infomax image source uses. */
  images: Uint8Array;
  /** CIFAR-10 class, or CIFAR-100 fine class (0..99). */
  labels: Uint8Array;
  /** CIFAR-100 only: the 20 superclasses. */
  coarseLabels?: Uint8Array;
}

/** Bytes per record: label byte(s) followed by 3072 pixel bytes. */
export function cifarRecordBytes(variant: CifarVariant): number {
  return (variant === 'cifar-100' ? 2 : 1) + IMAGE_BYTES;
}

/**
 * Parses CIFAR binary batches (one or several, e.g. data_batch_1..5) into one HWC array.
 * Each record stores its pixels as three 32x32 planes (all red, then green, then blue); they are
 * interleaved here once, so batching later is a plain row gather.
 */
export function parseCifar(chunks: Uint8Array | readonly Uint8Array[], options: CifarParseOptions): CifarRecords {
  const list = chunks instanceof Uint8Array ? [chunks] : chunks;
  const recordBytes = cifarRecordBytes(options.variant);
  const labelBytes = recordBytes - IMAGE_BYTES;
  const fineClasses = options.variant === 'cifar-100' ? 100 : 10;

  let count = 0;
  list.forEach((chunk, c) => {
    const where = describe(options, c);
    if (chunk.length === 0) throw new DataFormatError(`CIFAR: empty input${where}`);
    if (chunk.length % recordBytes !== 0) {
      throw new DataFormatError(
        `CIFAR: ${chunk.length} bytes${where} is not a multiple of the ${options.variant} record size ` +
          `${recordBytes} (${labelBytes} label byte${labelBytes > 1 ? 's' : ''} + ${IMAGE_BYTES} pixels): ` +
          `${Math.floor(chunk.length / recordBytes)} whole records and ${chunk.length % recordBytes} bytes left over ` +
          `(truncated file, or the wrong variant?)`,
      );
    }
    count += chunk.length / recordBytes;
  });

  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  const coarseLabels = options.variant === 'cifar-100' ? new Uint8Array(count) : undefined;

  let n = 0;
  list.forEach((chunk, c) => {
    const records = chunk.length / recordBytes;
    for (let r = 0; r < records; r++, n++) {
      const base = r * recordBytes;
      const fine = chunk[base + labelBytes - 1]!;
      if (fine >= fineClasses) {
        throw new DataFormatError(
          `CIFAR: record ${r}${describe(options, c)} has label ${fine}, outside 0..${fineClasses - 1} ` +
            `for ${options.variant}`,
        );
      }
      if (coarseLabels) {
        const coarse = chunk[base]!;
        if (coarse >= 20) {
          throw new DataFormatError(`CIFAR: record ${r}${describe(options, c)} has coarse label ${coarse}, outside 0..19`);
        }
        coarseLabels[n] = coarse;
      }
      labels[n] = fine;
      const src = base + labelBytes;
      const dst = n * IMAGE_BYTES;
      for (let p = 0; p < PIXELS; p++) {
        images[dst + 3 * p] = chunk[src + p]!;
        images[dst + 3 * p + 1] = chunk[src + PIXELS + p]!;
        images[dst + 3 * p + 2] = chunk[src + 2 * PIXELS + p]!;
      }
    }
  });
  return coarseLabels ? { count, images, labels, coarseLabels } : { count, images, labels };
}

function describe(options: CifarParseOptions, chunk: number): string {
  const name = options.sources?.[chunk];
  return name ? ` in ${name}` : '';
}

export const CIFAR10_CLASS_NAMES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];
