import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/core';
import { EvalInputError } from './errors';
import type { LabelledFeatures } from './labelled-features';

export interface SoftmaxRegressionFitOptions {
  epochs: number;
  learningRate: number;
  /** Rows per Adam step; a value >= N trains full-batch. */
  batchSize: number;
  /** L2 penalty (weightDecay / 2) * ||W||^2 added to the mean cross-entropy; the bias is not decayed. */
  weightDecay: number;
  /** Draws the initial weights and the per-epoch shuffles. */
  rng: Rng;
  /** Rows per forward pass when predicting, to bound memory. */
  predictBatchSize?: number;
}

/**
 * Multinomial logistic regression p(y | x) = softmax(x W + b), fitted with Adam. Plain class: the
 * weights are tfjs variables owned by this object until `dispose`.
 */
export class SoftmaxRegression {
  readonly weights: tf.Variable;
  readonly bias: tf.Variable;
  /** Mean training objective (cross-entropy + L2) of each epoch, filled by `fit`. */
  readonly lossCurve: number[] = [];

  constructor(
    readonly dim: number,
    readonly numClasses: number,
    rng: Rng,
  ) {
    // Small seeded weights: the problem is convex, but the seed must still pin the trajectory.
    // tidy frees the initial values; the variables hold their own references and survive it.
    const initial = rng.normalArray(dim * numClasses, 0, 0.01);
    this.weights = tf.tidy(() => tf.variable(tf.tensor2d(initial, [dim, numClasses]), true));
    this.bias = tf.tidy(() => tf.variable(tf.zeros([numClasses]), true));
  }

  private logits(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.weights), this.bias);
  }

  private objective(x: tf.Tensor2D, y: tf.Tensor1D, weightDecay: number): tf.Scalar {
    const logits = this.logits(x);
    const target = tf.sum(tf.mul(logits, tf.oneHot(y, this.numClasses)), 1);
    const crossEntropy = tf.mean(tf.sub(tf.logSumExp(logits, 1), target));
    if (weightDecay === 0) return crossEntropy as tf.Scalar;
    return tf.add(crossEntropy, tf.mul(0.5 * weightDecay, tf.sum(tf.square(this.weights)))) as tf.Scalar;
  }

  /** Trains on (already standardised) rows; appends one mean loss per epoch to `lossCurve`. */
  async fit(train: LabelledFeatures, options: SoftmaxRegressionFitOptions): Promise<number[]> {
    const n = train.labels.length;
    if (train.dim !== this.dim) throw new EvalInputError(`fit: features have dim ${train.dim}, the model ${this.dim}`);
    const { epochs, learningRate, weightDecay, rng } = options;
    const batchSize = Math.min(options.batchSize, n);
    const stepsPerEpoch = Math.ceil(n / batchSize);
    const x = tf.tensor2d(train.features, [n, this.dim]);
    const y = tf.tensor1d(train.labels, 'int32');
    const optimizer = tf.train.adam(learningRate);
    const variables = [this.weights, this.bias];
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const order = batchSize < n ? rng.permutation(n) : undefined;
        let epochLoss: tf.Scalar = tf.scalar(0);
        for (let step = 0; step < stepsPerEpoch; step++) {
          const stepLoss = tf.tidy(() => {
            let xb: tf.Tensor2D = x;
            let yb: tf.Tensor1D = y;
            if (order) {
              const rows = tf.tensor1d(order.subarray(step * batchSize, Math.min((step + 1) * batchSize, n)), 'int32');
              xb = tf.gather(x, rows);
              yb = tf.gather(y, rows);
            }
            const weight = yb.shape[0] / n;
            const loss = optimizer.minimize(() => this.objective(xb, yb, weightDecay), true, variables)!;
            // Weighted by batch size so the epoch figure is the mean over rows, not over steps.
            return tf.add(epochLoss, tf.mul(loss, weight)) as tf.Scalar;
          });
          epochLoss.dispose();
          epochLoss = stepLoss;
        }
        // One read-back per epoch, not per step.
        const [value] = await epochLoss.data();
        epochLoss.dispose();
        this.lossCurve.push(value!);
      }
    } finally {
      optimizer.dispose();
      x.dispose();
      y.dispose();
    }
    return this.lossCurve;
  }

  /** Most probable class of each row. */
  async predict(features: Float32Array, batchSize = 4096): Promise<Int32Array> {
    if (features.length % this.dim !== 0) {
      throw new EvalInputError(`predict: ${features.length} values are not whole rows of dim ${this.dim}`);
    }
    const n = features.length / this.dim;
    const out = new Int32Array(n);
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(start + batchSize, n);
      const predicted = tf.tidy(() =>
        tf.argMax(this.logits(tf.tensor2d(features.subarray(start * this.dim, end * this.dim), [end - start, this.dim])), 1),
      );
      out.set(await predicted.data(), start);
      predicted.dispose();
    }
    return out;
  }

  dispose(): void {
    this.weights.dispose();
    this.bias.dispose();
  }
}
