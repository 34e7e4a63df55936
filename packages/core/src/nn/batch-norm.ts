import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../tensor/shape-assertions';
import { ShapeError } from '../tensor/shape-error';
import { detached } from '../tensor/stop-gradient';
import { Module } from './module';
import {
  BATCH_NORM_APPLY_KERNEL,
  BATCH_NORM_GRAD_KERNEL,
  BATCH_NORM_STATISTICS_KERNEL,
  batchNormPassesAvailable,
} from '../backends/wasm-kernels/batch-norm-passes';

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
 * `statisticsGroups` keeps the statistics per group of a stacked batch (see `apply`).
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

  /**
   * `statisticsGroups` G > 1 (training only): x is G equal groups stacked on axis 0, each
   * normalised with its own statistics, and the moving averages take G updates in group order,
   * as G separate calls would. Inference uses the moving statistics and ignores groups.
   */
  apply(x: tf.Tensor, { training, statisticsGroups = 1 }: { training: boolean; statisticsGroups?: number }): tf.Tensor {
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
      const { y, mean, variance } = batchNormTraining(x, this.gamma, this.beta, eps, statisticsGroups);
      const count = x.size / this.options.channels / statisticsGroups;
      const unbiased = tf.mul(variance, count / Math.max(1, count - 1));
      if (statisticsGroups === 1) {
        this.movingMean.assign(tf.add(tf.mul(this.movingMean, 1 - momentum), tf.mul(mean, momentum)));
        this.movingVariance.assign(tf.add(tf.mul(this.movingVariance, 1 - momentum), tf.mul(unbiased, momentum)));
      } else {
        this.movingMean.assign(repeatedMovingAverage(this.movingMean, mean, momentum));
        this.movingVariance.assign(repeatedMovingAverage(this.movingVariance, unbiased, momentum));
      }
      return y;
    });
  }
}

/**
 * G moving-average updates m <- (1 - k) m + k s_g, g = 0..G-1, unrolled:
 *   (1 - k)^G m + sum_g k (1 - k)^(G-1-g) s_g
 * in four kernels whatever G is. `statistics` is [G, C].
 */
function repeatedMovingAverage(moving: tf.Tensor, statistics: tf.Tensor, momentum: number): tf.Tensor {
  const groups = statistics.shape[0] ?? 1;
  const weights = Array.from({ length: groups }, (_, g) => momentum * (1 - momentum) ** (groups - 1 - g));
  const weighted = tf.sum(tf.mul(statistics, tf.tensor2d(weights, [groups, 1])), 0);
  return tf.add(tf.mul(moving, (1 - momentum) ** groups), weighted);
}

/**
 * Checks `statisticsGroups` against a batch of `batch` examples; `owner` names the caller in
 * the message.
 */
function assertStatisticsGroups(batch: number, groups: number, owner: string): void {
  if (!Number.isInteger(groups) || groups < 1) {
    throw new RangeError(`${owner}: statisticsGroups must be a positive integer, got ${String(groups)}`);
  }
  if (batch % groups !== 0) {
    throw new ShapeError(
      `${owner}: a batch of ${batch} cannot be split into statisticsGroups = ${groups} equal groups; ` +
        `stack groups of the same size (e.g. both views of the same images), or pass statisticsGroups: 1`,
    );
  }
}

/**
 * Training-mode batch norm over every axis but the last, with a closed-form gradient instead of
 * tfjs differentiating moments() and the affine map op by op (~25 backward kernels, with
 * broadcasts). With c = x - mean, s = gamma * invStd, xhat = c * invStd and N examples:
 *   y = c * s + beta
 *   dbeta = sum(dy), dgamma = invStd * sum(dy * c),
 *   dx = s * (dy - dbeta / N - xhat * dgamma / N) = dy * s - c * k1 - k0,
 *   k1 = s * invStd * dgamma / N, k0 = s * dbeta / N   (both per channel).
 * Every op on the full tensor is a memory-bound pass (wasm runs them without SIMD), so they are
 * kept to 4 forward (c, c^2, * s, + beta) and 5 backward; sums are cheap gemm reductions. c is
 * computed once and kept for the backward pass. `mean` and `variance` (biased) come back
 * gradient-free, for the moving statistics: [C], or [G, C] with `groups` G > 1.
 *
 * With G > 1 the batch (axis 0) is G equal groups: x is viewed as [G, M, C] and every statistic
 * and every sum of the gradient is taken per group (N = M above), dgamma and dbeta then summed
 * over the groups. The per-group sums are one batched product of a ones row with each group
 * (wasm sums only innermost axes natively, so a sum over the middle axis would transpose x).
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  epsilon: number,
  groups = 1,
): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  if ((gamma === null) !== (beta === null)) throw new Error('batchNormTraining: pass both gamma and beta, or neither');
  assertStatisticsGroups(x.shape[0] ?? 1, groups, 'BatchNorm');
  if (batchNormPassesAvailable(x)) return batchNormTrainingPasses(x, gamma, beta, epsilon, groups);
  const channels = x.shape[x.rank - 1] ?? 1;
  const count = x.size / channels / groups;
  const grouped = groups > 1;
  const axes = [...Array(x.rank - 1).keys()];
  // Grouped: [G, M, C] and sums [G, 1, C]; otherwise x as it is and sums [C].
  const view = (t: tf.Tensor) => (grouped ? tf.reshape(t, [groups, count, channels]) : t);
  const sums = (t: tf.Tensor) => (grouped ? tf.matMul(tf.ones([groups, 1, count]), t) : tf.sum(t, axes));
  // The statistics are computed off the tape: the closed-form gradient below already accounts
  // for how they depend on x.
  const mean = detached(() => tf.mul(sums(view(x)), 1 / count));
  const centered = detached(() => tf.sub(view(x), mean));
  const variance = detached(() => tf.mul(sums(tf.square(centered)), 1 / count));
  const invStd = detached(() => tf.rsqrt(tf.add(variance, epsilon)));
  const forward = (input: tf.Tensor, g: tf.Tensor | null, b: tf.Tensor | null, save: Save) => {
    let y = tf.mul(centered, g ? tf.mul(invStd, g) : invStd);
    if (b) y = tf.add(y, b);
    save([centered, invStd]);
    return grouped ? tf.reshape(y, input.shape) : y;
  };
  const backward = (dy: tf.Tensor, [c, inv]: tf.Tensor[], g: tf.Tensor | null) => {
    const dyView = view(dy);
    const dbetaPerGroup = sums(dyView);
    const dgammaPerGroup = tf.mul(sums(tf.mul(dyView, c!)), inv!);
    const s = g ? tf.mul(inv!, g) : inv!;
    const k1 = tf.mul(tf.mul(s, inv!), tf.mul(dgammaPerGroup, 1 / count));
    const k0 = tf.mul(s, tf.mul(dbetaPerGroup, 1 / count));
    const dxView = tf.sub(tf.sub(tf.mul(dyView, s), tf.mul(c!, k1)), k0);
    const total = (perGroup: tf.Tensor) => (grouped ? tf.sum(tf.reshape(perGroup, [groups, channels]), 0) : perGroup);
    return { dx: grouped ? tf.reshape(dxView, dy.shape) : dxView, dgamma: total(dgammaPerGroup), dbeta: total(dbetaPerGroup) };
  };
  const y = withClosedFormGradient(x, gamma, beta, forward, backward);
  const perGroup = (t: tf.Tensor) => (grouped ? tf.reshape(t, [groups, channels]) : t);
  return { y, mean: perGroup(mean), variance: perGroup(variance) };
}

/**
 * `batchNormTraining` on the wasm SIMD passes (batch-norm-passes.ts): the same maths, two
 * full-tensor passes forward (statistics, then the affine map) and two backward (the sums, then
 * dx), where the composed form runs ~9 and ~8 tfjs kernels. Statistics come per group ([G, C]).
 */
function batchNormTrainingPasses(
  x: tf.Tensor,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  epsilon: number,
  groups: number,
): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  const channels = x.shape[x.rank - 1] ?? 1;
  const attrs = { groups } as unknown as tf.NamedAttrMap;
  const [mean, variance] = tf.engine().runKernel(BATCH_NORM_STATISTICS_KERNEL, { x }, attrs) as unknown as [tf.Tensor2D, tf.Tensor2D];
  const invStd = tf.rsqrt(tf.add(variance, epsilon));
  const forward = (input: tf.Tensor, g: tf.Tensor | null, b: tf.Tensor | null, save: Save) => {
    const scale = g ? tf.mul(invStd, g) : invStd;
    const inputs: Record<string, tf.Tensor> = { x: input, mean, scale };
    if (b) inputs.shift = b;
    save([input, mean, invStd, scale]);
    return tf.engine().runKernel(BATCH_NORM_APPLY_KERNEL, inputs, attrs) as tf.Tensor;
  };
  const backward = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [input, m, inv, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const [dx, dgamma, dbeta] = tf.engine().runKernel(BATCH_NORM_GRAD_KERNEL, { dy, x: input, mean: m, invStd: inv, scale }, attrs) as unknown as tf.Tensor[];
    const total = (perGroup: tf.Tensor) => (groups > 1 ? tf.sum(perGroup, 0) : tf.reshape(perGroup, [channels]));
    return { dx: dx!, dgamma: total(dgamma!), dbeta: total(dbeta!) };
  };
  const y = withClosedFormGradient(x, gamma, beta, forward, backward);
  const perGroup = (t: tf.Tensor) => (groups > 1 ? t : tf.reshape(t, [channels]));
  return { y, mean: perGroup(mean), variance: perGroup(variance) };
}

/** Saves tensors for the backward pass (tfjs' customGrad `save`). */
type Save = (tensors: tf.Tensor[]) => void;

/**
 * y = forward(x, gamma, beta) with `backward` as its gradient, for both forms of
 * `batchNormTraining`. customGrad takes tensors only, so with and without the affine parameters
 * are two wrappers; without them only dx is returned.
 */
function withClosedFormGradient(
  x: tf.Tensor,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  forward: (input: tf.Tensor, g: tf.Tensor | null, b: tf.Tensor | null, save: Save) => tf.Tensor,
  backward: (dy: tf.Tensor, saved: tf.Tensor[], g: tf.Tensor | null) => { dx: tf.Tensor; dgamma: tf.Tensor; dbeta: tf.Tensor },
): tf.Tensor {
  if (gamma && beta) {
    return tf.customGrad(((input: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => ({
      value: forward(input, g, b, save),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const { dx, dgamma, dbeta } = backward(dy, saved, g);
        return [dx, dgamma, dbeta];
      },
    })) as unknown as Parameters<typeof tf.customGrad>[0])(x, gamma, beta);
  }
  return tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => ({
    value: forward(input, null, null, save),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [backward(dy, saved, null).dx],
  })) as unknown as Parameters<typeof tf.customGrad>[0])(x);
}
