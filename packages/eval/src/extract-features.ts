import * as tf from '@tensorflow/tfjs';
import type { DataSource } from '@infomax/core';
import { EvalInputError } from './errors';
import type { Featurizer } from './featurizer';
import type { LabelledFeatures } from './labelled-features';

export interface ExtractFeaturesOptions {
  /** Examples per call to the source and the featurizer. */
  batchSize: number;
  /** Which examples, in this order; all of `0..size-1` by default. */
  indices?: Int32Array;
  /** Called after each batch with the rows done so far and the total. */
  onBatch?: (done: number, total: number) => void;
}

function allIndices(size: number): Int32Array {
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) out[i] = i;
  return out;
}

function toInt32Labels(values: ArrayLike<number>, where: string): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v)) throw new EvalInputError(`${where}: label ${v} at position ${i} is not an integer`);
    out[i] = v;
  }
  return out;
}

/**
 * Runs a frozen featurizer over a data source batch by batch. Only the returned host arrays grow;
 * every batch's tensors (inputs, labels, features) are released before the next is requested, so
 * device memory stays at one batch however large the source is.
 */
export async function extractFeatures(
  featurize: Featurizer,
  source: DataSource,
  options: ExtractFeaturesOptions,
): Promise<LabelledFeatures> {
  const { batchSize, onBatch } = options;
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new EvalInputError(`extractFeatures: batchSize must be a positive integer, got ${batchSize}`);
  }
  const indices = options.indices ?? allIndices(source.size);
  const total = indices.length;
  if (total === 0) throw new EvalInputError(`extractFeatures: no examples to featurize from '${source.name}'`);
  for (let i = 0; i < total; i++) {
    const index = indices[i]!;
    if (!Number.isInteger(index) || index < 0 || index >= source.size) {
      throw new EvalInputError(
        `extractFeatures: index ${index} at position ${i} is outside '${source.name}' (size ${source.size})`,
      );
    }
  }

  const labels = new Int32Array(total);
  let features: Float32Array | undefined;
  let dim = 0;
  for (let start = 0; start < total; start += batchSize) {
    const batchIndices = indices.slice(start, Math.min(start + batchSize, total));
    const rows = batchIndices.length;
    const where = `extractFeatures('${source.name}', rows ${start}..${start + rows - 1})`;
    const batch = await source.batch(batchIndices);
    let output: tf.Tensor | undefined;
    try {
      if (!batch.labels) throw new EvalInputError(`${where}: the source returned a batch without labels`);
      if (batch.x.shape[0] !== rows || batch.labels.shape[0] !== rows) {
        throw new EvalInputError(
          `${where}: asked for ${rows} examples, got x [${batch.x.shape.join(', ')}] and ` +
            `labels [${batch.labels.shape.join(', ')}]`,
        );
      }
      output = tf.tidy(() => {
        const y = featurize(batch.x);
        if (y.rank < 1 || y.shape[0] !== rows) {
          throw new EvalInputError(`${where}: the featurizer returned [${y.shape.join(', ')}] for a batch of ${rows}`);
        }
        return tf.reshape(y, [rows, -1]);
      });
      const rowDim = output.shape[1]!;
      if (features === undefined) {
        if (rowDim === 0) throw new EvalInputError(`${where}: the featurizer returned zero features per example`);
        dim = rowDim;
        features = new Float32Array(total * dim);
      } else if (rowDim !== dim) {
        throw new EvalInputError(`${where}: features have ${rowDim} values per example, earlier batches had ${dim}`);
      }
      const values = await output.data();
      features.set(values, start * dim);
      labels.set(toInt32Labels(await batch.labels.data(), where), start);
    } finally {
      output?.dispose();
      batch.x.dispose();
      batch.labels?.dispose();
    }
    onBatch?.(start + rows, total);
  }
  return { features: features!, labels, dim };
}
