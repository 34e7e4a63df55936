import { InvalidDataError } from './errors';

/**
 * The most memory one data set (or one batch) may ask for by default. Every real data set here
 * is far smaller (CIFAR-10's train split is 150 MB); a request beyond it is a typo in a config
 * (`count: 10000000`, `imageSize: 4096`) or a crafted file, and failing with a sentence beats an
 * out-of-memory crash halfway through filling the array.
 */
export const DEFAULT_MAX_DATASET_BYTES = 1024 ** 3;

/** 1.5 GiB, 300 MiB, 12 KiB, 512 bytes. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} bytes`;
  return `${value >= 100 || Number.isInteger(value) ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/**
 * Throws before an allocation of `bytes` that exceeds `limit` (or is not a finite size),
 * naming what it was for and what to change.
 */
export function assertAllocation(what: string, bytes: number, limit: number, fix: string): void {
  if (Number.isSafeInteger(bytes) && bytes <= limit) return;
  const size = Number.isFinite(bytes) ? formatBytes(bytes) : 'an unbounded amount of memory';
  throw new InvalidDataError(`${what} would need ${size}, more than the ${formatBytes(limit)} allowed; ${fix}`);
}
