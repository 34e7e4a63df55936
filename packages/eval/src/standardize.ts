import { EvalInputError } from './errors';

/** Row-major features [N, dim]. */
export interface FeatureRows {
  features: Float32Array;
  dim: number;
}

export interface StandardizeOptions {
  /**
   * A feature whose train standard deviation is below this is only centred (scaled by 1). A
   * plain floor (dividing by `minStd`) would turn a feature that is constant in train — an
   * always-black border pixel — into huge values on any test row where it is not.
   */
  minStd?: number;
}

export interface Standardized {
  train: Float32Array;
  test: Float32Array;
  /** Per-feature train mean [dim]. */
  mean: Float32Array;
  /** Per-feature divisor [dim]: the train (population) standard deviation, or 1 where floored. */
  std: Float32Array;
}

/** Per-feature mean and standard deviation (divide by N), accumulated in float64. */
export function featureMoments(rows: FeatureRows, minStd = 1e-6): { mean: Float32Array; std: Float32Array } {
  const { features, dim } = rows;
  const n = features.length / dim;
  if (!Number.isInteger(n) || n === 0) {
    throw new EvalInputError(`cannot take moments of ${features.length} values as rows of dim ${dim}`);
  }
  const sum = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const offset = i * dim;
    for (let j = 0; j < dim; j++) sum[j]! += features[offset + j]!;
  }
  const mean = new Float64Array(dim);
  for (let j = 0; j < dim; j++) mean[j] = sum[j]! / n;
  // Second pass on centred values: one-pass E[x^2] - E[x]^2 cancels badly for large offsets.
  const squares = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const offset = i * dim;
    for (let j = 0; j < dim; j++) {
      const d = features[offset + j]! - mean[j]!;
      squares[j]! += d * d;
    }
  }
  const std = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    const s = Math.sqrt(squares[j]! / n);
    std[j] = s < minStd ? 1 : s;
  }
  return { mean: Float32Array.from(mean), std };
}

/** (x - mean) / std per feature, into a new array. */
export function applyStandardization(rows: FeatureRows, mean: Float32Array, std: Float32Array): Float32Array {
  const { features, dim } = rows;
  if (mean.length !== dim || std.length !== dim) {
    throw new EvalInputError(`standardisation statistics have length ${mean.length}/${std.length}, features have dim ${dim}`);
  }
  if (features.length % dim !== 0) {
    throw new EvalInputError(`${features.length} values are not whole rows of dim ${dim}`);
  }
  const out = new Float32Array(features.length);
  for (let offset = 0; offset < features.length; offset += dim) {
    for (let j = 0; j < dim; j++) out[offset + j] = (features[offset + j]! - mean[j]!) / std[j]!;
  }
  return out;
}

/**
 * Standardises both splits with the TRAIN split's per-feature mean and standard deviation, so
 * nothing about the test split leaks into the features a probe is fitted on.
 */
export function standardize(train: FeatureRows, test: FeatureRows, options: StandardizeOptions = {}): Standardized {
  if (train.dim !== test.dim) {
    throw new EvalInputError(`train has dim ${train.dim} but test has dim ${test.dim}; they must match`);
  }
  const { mean, std } = featureMoments(train, options.minStd ?? 1e-6);
  return {
    train: applyStandardization(train, mean, std),
    test: applyStandardization(test, mean, std),
    mean,
    std,
  };
}
