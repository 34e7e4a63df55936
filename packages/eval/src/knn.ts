import * as tf from '@tensorflow/tfjs';
import { EvalInputError } from './errors';
import { knnOptionsSchema, type KnnMetric, type KnnOptions } from './knn-options';
import { accuracyOf, assertLabelledFeatures, assertSameDim, type LabelledFeatures } from './labelled-features';
import { parseOptions } from './parse-options';

/** Rows scaled to unit L2 norm; an all-zero row stays zero instead of becoming NaN. */
function unitRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12));
}

/**
 * Majority vote among neighbours listed nearest first. A tie between classes goes to the tied
 * class whose member is nearest, so k = 1 and ties reduce to the nearest neighbour.
 */
export function voteNearestFirst(neighbourLabels: ArrayLike<number>, counts: Map<number, number> = new Map()): number {
  counts.clear();
  let top = 0;
  for (let i = 0; i < neighbourLabels.length; i++) {
    const c = neighbourLabels[i]!;
    const count = (counts.get(c) ?? 0) + 1;
    counts.set(c, count);
    if (count > top) top = count;
  }
  for (let i = 0; i < neighbourLabels.length; i++) {
    const c = neighbourLabels[i]!;
    if (counts.get(c) === top) return c;
  }
  throw new EvalInputError('cannot vote without neighbours');
}

/**
 * k-nearest-neighbour class predictions for each test row. The train matrix is uploaded once;
 * test rows go through in blocks whose [block, train] score matrix stays under
 * `maxBlockElements`, and only the k best train indices per row come back to the host.
 */
export async function knnPredict(
  train: LabelledFeatures,
  testFeatures: Float32Array,
  options: KnnOptions = {},
): Promise<Int32Array> {
  const { k, metric, maxBlockElements } = parseOptions(knnOptionsSchema, options, 'kNN');
  assertLabelledFeatures(train, 'kNN train split');
  const { dim } = train;
  const nTrain = train.labels.length;
  if (testFeatures.length % dim !== 0) {
    throw new EvalInputError(`kNN test split: ${testFeatures.length} values are not whole rows of dim ${dim}`);
  }
  if (k > nTrain) throw new EvalInputError(`kNN: k = ${k} exceeds the ${nTrain} train rows`);
  const nTest = testFeatures.length / dim;
  const blockRows = Math.max(1, Math.floor(maxBlockElements / nTrain));
  const predictions = new Int32Array(nTest);

  const reference = tf.tidy(() => prepareReference(tf.tensor2d(train.features, [nTrain, dim]), metric));
  try {
    const votes = new Map<number, number>();
    const neighbourLabels = new Int32Array(k);
    for (let start = 0; start < nTest; start += blockRows) {
      const end = Math.min(start + blockRows, nTest);
      const nearest = tf.tidy(() => {
        const queries = tf.tensor2d(testFeatures.subarray(start * dim, end * dim), [end - start, dim]);
        return tf.topk(scoreBlock(queries, reference, metric), k, true).indices;
      });
      const indices = await nearest.data();
      nearest.dispose();
      for (let row = 0; row < end - start; row++) {
        for (let j = 0; j < k; j++) neighbourLabels[j] = train.labels[indices[row * k + j]!]!;
        predictions[start + row] = voteNearestFirst(neighbourLabels, votes);
      }
    }
  } finally {
    reference.matrix.dispose();
    reference.squaredNorms?.dispose();
  }
  return predictions;
}

// A type alias (not an interface) so tf.tidy accepts it as a tensor container.
type Reference = {
  /** Train rows, unit-normalised for cosine; transposed to [dim, N] for the block matmul. */
  matrix: tf.Tensor2D;
  /** |t|^2 per train row [1, N], euclidean only. */
  squaredNorms?: tf.Tensor2D;
};

function prepareReference(train: tf.Tensor2D, metric: KnnMetric): Reference {
  if (metric === 'cosine') return { matrix: tf.transpose(unitRows(train)) };
  return { matrix: tf.transpose(train), squaredNorms: tf.reshape(tf.sum(tf.square(train), 1), [1, -1]) };
}

/** Higher is nearer. Euclidean drops the query's own |q|^2: it shifts a whole row, not its order. */
function scoreBlock(queries: tf.Tensor2D, reference: Reference, metric: KnnMetric): tf.Tensor2D {
  if (metric === 'cosine') return tf.matMul(unitRows(queries), reference.matrix);
  // -|q - t|^2 + |q|^2 = 2 q.t - |t|^2
  return tf.sub(tf.mul(tf.matMul(queries, reference.matrix), 2), reference.squaredNorms!);
}

/** Fraction of test rows whose k-nearest-neighbour vote (see `knnPredict`) is their label. */
export async function knnAccuracy(train: LabelledFeatures, test: LabelledFeatures, options: KnnOptions = {}): Promise<number> {
  assertLabelledFeatures(test, 'kNN test split');
  assertSameDim(train, test, 'kNN train split', 'kNN test split');
  return accuracyOf(await knnPredict(train, test.features, options), test.labels);
}
