import { EvalInputError } from './errors';

/**
 * Frozen features of N examples kept on the host: row-major `features` [N, dim] and one integer
 * class label per row. Plain typed arrays, so a set survives backend switches and can be saved.
 */
export interface LabelledFeatures {
  features: Float32Array;
  labels: Int32Array;
  dim: number;
}

/** Number of rows of a feature set. */
export function rowCount(set: LabelledFeatures): number {
  return set.labels.length;
}

/**
 * Checks that a set is non-empty, that `features` holds exactly `labels.length` rows of `dim`,
 * and (when `numClasses` is given) that every label lies in [0, numClasses).
 */
export function assertLabelledFeatures(set: LabelledFeatures, label: string, numClasses?: number): void {
  const { features, labels, dim } = set;
  if (!Number.isInteger(dim) || dim <= 0) {
    throw new EvalInputError(`${label}: dim must be a positive integer, got ${dim}`);
  }
  if (labels.length === 0) {
    throw new EvalInputError(`${label} is empty: it needs at least one labelled row`);
  }
  if (features.length !== labels.length * dim) {
    throw new EvalInputError(
      `${label}: features hold ${features.length} values, but ${labels.length} labels x dim ${dim} ` +
        `needs ${labels.length * dim}`,
    );
  }
  if (numClasses !== undefined) assertLabelsInRange(labels, numClasses, label);
}

/** Every label must be an integer class id in [0, numClasses). */
export function assertLabelsInRange(labels: Int32Array, numClasses: number, label: string): void {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new EvalInputError(`numClasses must be an integer >= 2, got ${numClasses}`);
  }
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y < 0 || y >= numClasses) {
      throw new EvalInputError(
        `${label}: label ${y} at row ${i} is outside [0, ${numClasses}); numClasses is smaller than a label`,
      );
    }
  }
}

/** The two sets must describe features of the same width. */
export function assertSameDim(a: LabelledFeatures, b: LabelledFeatures, labelA: string, labelB: string): void {
  if (a.dim !== b.dim) {
    throw new EvalInputError(`${labelA} has dim ${a.dim} but ${labelB} has dim ${b.dim}; they must match`);
  }
}

/** Copies the given rows (in that order) into a new set. */
export function selectRows(set: LabelledFeatures, rows: Int32Array): LabelledFeatures {
  const { dim } = set;
  const features = new Float32Array(rows.length * dim);
  const labels = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    features.set(set.features.subarray(r * dim, (r + 1) * dim), i * dim);
    labels[i] = set.labels[r]!;
  }
  return { features, labels, dim };
}

/** Fraction of positions where `predictions` equals `labels`. */
export function accuracyOf(predictions: Int32Array, labels: Int32Array): number {
  if (predictions.length !== labels.length) {
    throw new EvalInputError(`${predictions.length} predictions for ${labels.length} labels`);
  }
  if (labels.length === 0) throw new EvalInputError('accuracy of an empty set is undefined');
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) correct++;
  return correct / labels.length;
}
