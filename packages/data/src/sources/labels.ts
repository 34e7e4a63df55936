import { InvalidDataError } from '../errors';

/** Integer class labels as stored: bytes when there are at most 256 classes (every image set here). */
export type LabelArray = Uint8Array | Int32Array;

export interface ValidatedLabels {
  labels: LabelArray;
  numClasses: number;
}

/**
 * Checks labels once, when a data set is made, so a bad label fails at load time with the
 * example that holds it rather than as a silent wrong gradient or an out-of-range one-hot later.
 */
export function validateLabels(
  name: string,
  labels: LabelArray | readonly number[],
  count: number,
  numClasses?: number,
  classNames?: readonly string[],
): ValidatedLabels {
  if (labels.length !== count) {
    throw new InvalidDataError(`${name}: ${labels.length} labels for ${count} examples; need one label per example`);
  }
  if (classNames && numClasses !== undefined && classNames.length !== numClasses) {
    throw new InvalidDataError(
      `${name}: ${classNames.length} class names but numClasses is ${numClasses}; give one name per class`,
    );
  }
  const declared = numClasses ?? classNames?.length;
  if (declared !== undefined && (!Number.isInteger(declared) || declared < 1)) {
    throw new InvalidDataError(`${name}: numClasses must be a positive integer, got ${declared}`);
  }
  let max = -1;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0 || (declared !== undefined && label >= declared)) {
      const range = declared !== undefined ? `0..${declared - 1} (numClasses ${declared})` : 'the non-negative integers';
      throw new InvalidDataError(`${name}: label ${label} of example ${i} is outside ${range}`);
    }
    if (label > max) max = label;
  }
  const resolved = declared ?? max + 1;
  const stored: LabelArray =
    labels instanceof Uint8Array || labels instanceof Int32Array
      ? labels
      : resolved <= 256
        ? Uint8Array.from(labels)
        : Int32Array.from(labels);
  return { labels: stored, numClasses: Math.max(resolved, 1) };
}

/** Throws naming the first NaN or infinity in float example data. */
export function assertFinite(name: string, values: Float32Array, exampleSize: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      const example = Math.floor(i / exampleSize);
      throw new InvalidDataError(
        `${name}: value ${v} at example ${example} (element ${i - example * exampleSize} of ${exampleSize}); ` +
          `data must be finite: clean or drop that example`,
      );
    }
  }
}
