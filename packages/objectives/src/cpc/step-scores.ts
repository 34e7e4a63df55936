import * as tf from '@tensorflow/tfjs';
import { isSeparableCritic, type ApplyOptions, type Critic, type CriticOutput } from '@infomax/core';
import { scoreMatrix } from '../shared/score-matrix';

/**
 * A critic that pairs contexts with future frames itself: `score(contexts [B, T, Dc], frames
 * [B, T, Dz])` scores c_t against z_{t+k} for k = 1..K and t < T − K, rows k-major (all rows of
 * step 1, then of step 2, ...), like CPC's bilinear critic. Recognised by its per-step
 * `scoreSteps`.
 */
export interface PredictiveCritic extends Critic {
  scoreSteps(contexts: tf.Tensor, frames: tf.Tensor, options?: ApplyOptions): CriticOutput[];
}

export function isPredictiveCritic(critic: Critic): critic is PredictiveCritic {
  return typeof (critic as Partial<PredictiveCritic>).scoreSteps === 'function';
}

/**
 * CPC's scores for steps k = 1..K as one [K·R, M] matrix, rows k-major, R rows per step.
 *
 * A predictive critic (bilinear) does the time shift itself. Any other critic is a plain pair
 * scorer: for each k the objective pairs c_t (t < T − K) with z_{t+k}, N = B·(T − K) of each,
 * and asks for the [N, N] scores with a diagonal positive, so the negatives of a prediction are
 * the step-k targets of every sequence at every t (CPC's "other time steps too"). A separable
 * critic embeds both sides once for all k.
 */
export function stepScores(
  critic: Critic,
  contexts: tf.Tensor3D,
  frames: tf.Tensor3D,
  steps: number,
  options: ApplyOptions,
): { scores: tf.Tensor2D; positiveMask: tf.Tensor2D } {
  if (isPredictiveCritic(critic)) return scoreMatrix(critic.score(contexts, frames, options), 'CPC critic');
  const [batch, length] = contexts.shape;
  const span = length - steps;
  if (span < 1) {
    throw new Error(`CPC: sequences of ${length} steps are too short to predict ${steps} steps ahead (need more than ${steps})`);
  }
  return tf.tidy(() => {
    const separable = isSeparableCritic(critic);
    const a = separable ? critic.embedAntecedents(contexts, options) : contexts;
    const z = separable ? critic.embedConsequents(frames, options) : frames;
    const rows = (t: tf.Tensor, start: number) => {
      const depth = t.shape[2]!;
      return tf.reshape(tf.slice(t, [0, start, 0], [batch, span, depth]), [batch * span, depth]);
    };
    const sources = rows(a, 0);
    const perStep = Array.from({ length: steps }, (_, i) => {
      const targets = rows(z, i + 1);
      const out = separable ? critic.scoreEmbeddings(sources, targets) : critic.score(sources, targets, options);
      return scoreMatrix(out, 'CPC critic');
    });
    return {
      scores: tf.concat(perStep.map((s) => s.scores), 0) as tf.Tensor2D,
      positiveMask: tf.concat(perStep.map((s) => s.positiveMask), 0) as tf.Tensor2D,
    };
  });
}

/**
 * Top-1 accuracy per step: the share of rows whose highest score is on a positive, from the
 * k-major [K·R, M] matrix -> [K].
 */
export function stepAccuracy(scores: tf.Tensor2D, positiveMask: tf.Tensor2D, steps: number): tf.Tensor1D {
  const [rows, columns] = scores.shape;
  if (rows % steps !== 0) throw new Error(`CPC: ${rows} score rows do not split into ${steps} steps`);
  return tf.tidy(() => {
    const picked = tf.oneHot(tf.argMax(scores, 1) as tf.Tensor1D, columns);
    const hit = tf.sum(tf.mul(picked, tf.cast(positiveMask, 'float32')), 1);
    return tf.mean(tf.reshape(hit, [steps, rows / steps]), 1) as tf.Tensor1D;
  });
}
