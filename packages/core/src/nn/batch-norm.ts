import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../tensor/shape-assertions';
import { detached } from '../tensor/stop-gradient';
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
      if (!training) {
        // Fold the affine parameters into one scale and shift: two broadcasts instead of four.
        const invStd = tf.rsqrt(tf.add(this.movingVariance, eps));
        const scale = this.gamma ? tf.mul(invStd, this.gamma) : invStd;
        const shift = this.beta ? tf.sub(this.beta, tf.mul(this.movingMean, scale)) : tf.neg(tf.mul(this.movingMean, scale));
        return tf.add(tf.mul(x, scale), shift);
      }
      const { y, mean, variance } = batchNormTraining(x, this.gamma, this.beta, eps);
      const count = x.size / this.options.channels;
      const unbiased = tf.mul(variance, count / Math.max(1, count - 1));
      this.movingMean.assign(tf.add(tf.mul(this.movingMean, 1 - momentum), tf.mul(mean, momentum)));
      this.movingVariance.assign(tf.add(tf.mul(this.movingVariance, 1 - momentum), tf.mul(unbiased, momentum)));
      return y;
    });
  }
}

/**
 * Training-mode batch norm over every axis but the last, with the closed-form gradient
 *   dbeta = sum(dy), dgamma = sum(dy * xhat),
 *   dx = gamma * invStd / N * (N * dy - dbeta - xhat * dgamma)
 * instead of tfjs differentiating moments() and the affine map op by op (~25 backward kernels,
 * with broadcasts, against 8 here). `mean` and `variance` (biased) come back gradient-free, for
 * the moving statistics.
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  epsilon: number,
): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  const axes = [...Array(x.rank - 1).keys()];
  const channels = x.shape[x.rank - 1] ?? 1;
  const count = x.size / channels;
  // The statistics are computed off the tape: the closed-form gradient below already accounts
  // for how they depend on x.
  const mean = detached(() => tf.mean(x, axes));
  const variance = detached(() => tf.mean(tf.square(tf.sub(x, mean)), axes));
  const forward = (input: tf.Tensor, g: tf.Tensor | null, b: tf.Tensor | null, save: (tensors: tf.Tensor[]) => void) => {
    const centered = tf.sub(input, mean);
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(centered, invStd);
    let y = g ? tf.mul(xhat, g) : xhat;
    if (b) y = tf.add(y, b);
    save([xhat, invStd]);
    return y;
  };
  const backward = (dy: tf.Tensor, xhat: tf.Tensor, invStd: tf.Tensor, g: tf.Tensor | null) => {
    const dbeta = tf.sum(dy, axes);
    const dgamma = tf.sum(tf.mul(dy, xhat), axes);
    const scale = tf.mul(g ? tf.mul(invStd, g) : invStd, 1 / count);
    const dx = tf.mul(tf.sub(tf.sub(tf.mul(dy, count), dbeta), tf.mul(xhat, dgamma)), scale);
    return { dx, dgamma, dbeta };
  };
  // customGrad takes tensors only, so with and without the affine parameters are two wrappers.
  if ((gamma === null) !== (beta === null)) throw new Error('batchNormTraining: pass both gamma and beta, or neither');
  let y: tf.Tensor;
  if (gamma && beta) {
    y = tf.customGrad(((input: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => ({
      value: forward(input, g, b, save),
      gradFunc: (dy: tf.Tensor, [xhat, invStd]: tf.Tensor[]) => {
        const { dx, dgamma, dbeta } = backward(dy, xhat!, invStd!, g);
        return [dx, dgamma, dbeta];
      },
    })) as unknown as Parameters<typeof tf.customGrad>[0])(x, gamma, beta);
  } else {
    y = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => ({
      value: forward(input, null, null, save),
      gradFunc: (dy: tf.Tensor, [xhat, invStd]: tf.Tensor[]) => [backward(dy, xhat!, invStd!, null).dx],
    })) as unknown as Parameters<typeof tf.customGrad>[0])(x);
  }
  return { y, mean, variance };
}
