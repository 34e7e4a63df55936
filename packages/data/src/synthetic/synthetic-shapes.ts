import { Rng } from '@infomax/core';
import { assertAllocation, DEFAULT_MAX_DATASET_BYTES } from '../allocation-limit';
import { InvalidDataError } from '../errors';
import { ImageDataSource, type ImageOutputOptions } from '../sources/image-data-source';
import { SHAPE_KINDS } from './shape-kinds';

export interface SyntheticShapesOptions extends ImageOutputOptions {
  /** Number of images. */
  count: number;
  /** 28 (Fashion-MNIST-like) or 32 (CIFAR-like), or any size >= 12. */
  imageSize?: number;
  /** 1 (grayscale) or 3 (colour) stored channels. */
  imageChannels?: 1 | 3;
  /** Classes 0..numClasses-1 are the first kinds of SHAPE_KINDS (at most 10). */
  numClasses?: number;
  /** Standard deviation of the per-pixel Gaussian noise, in [0, 1] intensity units. */
  noise?: number;
  seed?: number;
  /** Draws from this stream instead of `seed` (it advances). */
  rng?: Rng;
  name?: string;
  /** Refuse sets larger than this many bytes; default DEFAULT_MAX_DATASET_BYTES. */
  maxBytes?: number;
}

export const SYNTHETIC_SHAPE_CLASSES: readonly string[] = SHAPE_KINDS.map((k) => k.name);

/**
 * A labelled image set that needs no download: each image is one procedurally drawn shape or
 * texture (the class) at a random position, scale, rotation and colour over a contrasting
 * background, plus noise. Labels are balanced (each class count differs by at most one).
 * Nuisance variation dominates raw pixels, so features that capture the shape beat a linear
 * probe on pixels: what a representation learner has to show.
 */
export function createSyntheticShapes(options: SyntheticShapesOptions): ImageDataSource {
  const {
    count,
    imageSize = 32,
    imageChannels = imageSize === 28 ? 1 : 3,
    numClasses = SHAPE_KINDS.length,
    noise = 0.05,
    name = 'synthetic-shapes',
  } = options;
  if (!Number.isInteger(count) || count < 1) throw new InvalidDataError(`${name}: count must be a positive integer, got ${count}`);
  if (!Number.isInteger(imageSize) || imageSize < 12) {
    throw new InvalidDataError(`${name}: imageSize must be an integer >= 12, got ${imageSize}`);
  }
  if (imageChannels !== 1 && imageChannels !== 3) throw new InvalidDataError(`${name}: imageChannels must be 1 or 3`);
  if (!Number.isInteger(numClasses) || numClasses < 2 || numClasses > SHAPE_KINDS.length) {
    throw new InvalidDataError(`${name}: numClasses must be an integer in 2..${SHAPE_KINDS.length}, got ${numClasses}`);
  }
  if (!(noise >= 0 && noise <= 1)) throw new InvalidDataError(`${name}: noise must be in [0, 1], got ${noise}`);

  assertAllocation(
    `${name}: ${count} images of ${imageSize}x${imageSize}x${imageChannels}`,
    count * imageSize * imageSize * imageChannels,
    options.maxBytes ?? DEFAULT_MAX_DATASET_BYTES,
    'lower the count (data.count / data.limit) or the image size (data.imageSize)',
  );
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const labels = balancedLabels(count, numClasses, rng);
  const size = imageSize;
  const c = imageChannels;
  const pixels = new Uint8Array(count * size * size * c);
  // Per-pixel noise is looked up in a pool of Gaussians by an inline xorshift index (seeded per
  // image from rng): a Box-Muller draw per pixel dominated generation time.
  const pool = noise > 0 ? rng.normalArray(1 << 16, 0, noise) : null;
  const fg = new Float64Array(c);
  const bg = new Float64Array(c);

  for (let n = 0; n < count; n++) {
    const kind = SHAPE_KINDS[labels[n]!]!;
    const r = rng.uniform(0.22, 0.4) * size;
    const margin = 0.8 * r;
    const cx = rng.uniform(margin, size - margin);
    const cy = rng.uniform(margin, size - margin);
    const angle = kind.rotates ? rng.uniform(0, 2 * Math.PI) : rng.uniform(-0.15, 0.15);
    const params = { r, period: rng.uniform(3.5, 6), phase: rng.uniform(0, 2 * Math.PI) };
    // Light shape on dark ground or the reverse, so intensity alone never gives the class away.
    const lightShape = rng.bernoulli(0.5);
    for (let k = 0; k < c; k++) {
      const dark = rng.uniform(0, 0.35);
      const light = rng.uniform(0.6, 1);
      fg[k] = lightShape ? light : dark;
      bg[k] = lightShape ? dark : light;
    }
    let state = rng.nextUint32() | 1;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const base = n * size * size * c;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const dx = x + 0.5 - cx;
        const dy = y + 0.5 - cy;
        const d = kind.distance(cos * dx + sin * dy, -sin * dx + cos * dy, params);
        const coverage = Math.min(1, Math.max(0, 0.5 - d));
        const at = base + (y * size + x) * c;
        for (let k = 0; k < c; k++) {
          let value = bg[k]! + coverage * (fg[k]! - bg[k]!);
          if (pool) {
            state ^= state << 13;
            state ^= state >>> 17;
            state ^= state << 5;
            value += pool[state >>> 16]!;
          }
          pixels[at + k] = Math.round(255 * Math.min(1, Math.max(0, value)));
        }
      }
    }
  }

  return new ImageDataSource({
    name,
    images: pixels,
    shape: [count, size, size, c],
    labels,
    numClasses,
    classNames: SYNTHETIC_SHAPE_CLASSES.slice(0, numClasses),
    padTo: options.padTo,
    channels: options.channels,
  });
}

/** i mod K, shuffled: every class appears floor(N/K) or ceil(N/K) times. */
export function balancedLabels(count: number, numClasses: number, rng: Rng): Uint8Array {
  const order = rng.permutation(count);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[order[i]!] = i % numClasses;
  return labels;
}
