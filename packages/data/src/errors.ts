/** Bytes that do not hold what their format promises (IDX, CIFAR binary, tar, gzip). */
export class DataFormatError extends Error {
  override readonly name = 'DataFormatError';
}

/** A `batch(indices)` request the data set cannot serve (too many, out of range, empty). */
export class BatchRequestError extends Error {
  override readonly name = 'BatchRequestError';
}

/** Example values a data set refuses to hold: labels out of range, NaN / infinity, bad shapes. */
export class InvalidDataError extends Error {
  override readonly name = 'InvalidDataError';
}
