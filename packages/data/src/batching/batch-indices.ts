import type { Rng } from '@infomax/core';

export interface BatchIndicesOptions {
  /** Skip a last, smaller batch (contrastive losses compare within a batch, so size matters). */
  dropLast?: boolean;
}

/** How many batches `batchIndices` yields. */
export function countBatches(size: number, batchSize: number, { dropLast = false }: BatchIndicesOptions = {}): number {
  checkArguments(size, batchSize);
  return dropLast ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
}

/**
 * One epoch of batch index arrays: a seeded permutation of 0..size-1 cut into batches, or the
 * examples in order when `rng` is null (evaluation, feature export).
 */
export function* batchIndices(
  size: number,
  batchSize: number,
  rng: Rng | null,
  options: BatchIndicesOptions = {},
): Generator<Int32Array, void, undefined> {
  const batches = countBatches(size, batchSize, options);
  if (batches === 0) {
    throw new RangeError(
      `batchIndices: dropLast with batch size ${batchSize} leaves no batch of a data set of ${size}; ` +
        `use a batch size of at most ${size} or dropLast: false`,
    );
  }
  const order = rng ? rng.permutation(size) : Int32Array.from({ length: size }, (_, i) => i);
  for (let b = 0; b < batches; b++) {
    // A copy, not a subarray: the caller may keep it past the next batch.
    yield order.slice(b * batchSize, Math.min(size, (b + 1) * batchSize));
  }
}

function checkArguments(size: number, batchSize: number): void {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batchIndices: size must be a positive integer, got ${size}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchIndices: batch size must be a positive integer, got ${batchSize}`);
  }
}
