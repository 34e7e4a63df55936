import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../tensor/shape-assertions';
import { stopGradient } from '../tensor/stop-gradient';
import { Module } from './module';

export interface BatchNormOptions {
  channels: number;
  /** Weight of the new batch statistic in the moving average (PyTorch's convention). */
  momentum?: number;
  epsilon?: number;
  /** Learn a scale and shift (gamma, beta). */
  affine?: boolean;
}

/**
 * Batch norm over every axis but the last (channels). Training: normalise with the batch's
 * biased variance and update the moving mean / unbiased variance; inference: use the moving
 * statistics. The moving statistics are non-trainable variables, so checkpoints carry them.
 */
export class BatchNorm extends Module {
  readonly gamma: tf.Variable | null;
  readonly beta: tf.Variable | null;
  readonly movingMean: tf.Variable;
  readonly movingVariance: tf.Variable;

  constructor(readonly options: BatchNormOptions) {
    super();
    const c = options.channels;
    const affine = options.affine ?? true;
    this.gamma = affine ? this.addVariable('gamma', tf.ones([c])) : null;
    this.beta = affine ? this.addVariable('beta', tf.zeros([c])) : null;
    this.movingMean = this.addVariable('moving_mean', tf.zeros([c]), false);
    this.movingVariance = this.addVariable('moving_variance', tf.ones([c]), false);
  }

  apply(x: tf.Tensor, { training }: { training: boolean }): tf.Tensor {
    assertShape(x, [...Array(Math.max(0, x.rank - 1)).fill(null), this.options.channels], 'BatchNorm input');
    const eps = this.options.epsilon ?? 1e-5;
    const momentum = this.options.momentum ?? 0.1;
    return tf.tidy(() => {
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (training) {
        const axes = [...Array(x.rank - 1).keys()];
        const moments = tf.moments(x, axes);
        mean = moments.mean;
        variance = moments.variance;
        const count = x.size / this.options.channels;
        const unbiased = tf.mul(variance, count / Math.max(1, count - 1));
        this.movingMean.assign(
          tf.add(tf.mul(this.movingMean, 1 - momentum), tf.mul(stopGradient(mean), momentum)),
        );
        this.movingVariance.assign(
          tf.add(tf.mul(this.movingVariance, 1 - momentum), tf.mul(stopGradient(unbiased), momentum)),
        );
      } else {
        mean = this.movingMean;
        variance = this.movingVariance;
      }
      // Fold the affine parameters into one scale and shift: two broadcasts instead of four.
      const invStd = tf.rsqrt(tf.add(variance, eps));
      const scale = this.gamma ? tf.mul(invStd, this.gamma) : invStd;
      const shift = this.beta ? tf.sub(this.beta, tf.mul(mean, scale)) : tf.neg(tf.mul(mean, scale));
      return tf.add(tf.mul(x, scale), shift);
    });
  }
}
