import * as tf from '@tensorflow/tfjs';
import { assertShapes, Dense, Module, type ApplyOptions, type Critic, type CriticOutput, type Rng } from '@infomax/core';

/**
 * Which frames are the negatives of a prediction W_k c_t of sequence b:
 * - 'same-step': z_{t+k} of the other sequences of the batch (CPC's default; an B x B matrix per
 *   (k, t) with a diagonal positive);
 * - 'all-steps': z_{t'+k} of every sequence at every scored step t' (other time steps too).
 */
export type BilinearNegatives = 'same-step' | 'all-steps';

export interface BilinearCriticOptions {
  /** K, the number of prediction steps (CPC: 12). */
  steps: number;
  /** D_c, channels of the contexts c_t. */
  contextChannels: number;
  /** D_z, channels of the frames z_t. */
  frameChannels: number;
  negatives?: BilinearNegatives;
}

/**
 * CPC's critic: s_k(c_t, z) = (W_k c_t) . z, one matrix W_k [D_c, D_z] per step k = 1..K, no bias.
 *
 * The K matrices live side by side in one [D_c, K*D_z] kernel (columns (k-1)*D_z .. k*D_z - 1
 * are W_k) so all predictions of all steps are one matmul. Only steps t < T - K are scored, so
 * every k has the same number of rows and all of them fit one matrix.
 *
 * Layout ('same-step'): for step k, row t*B + b is the prediction W_k c_t of sequence b, column b'
 * is z_{t+k} of sequence b'; positive where b' = b. `score` stacks the steps into one
 * [K*(T-K)*B, B] matrix (row ((k-1)*(T-K) + t)*B + b), whose InfoNCE loss is the mean over k, t
 * and sequences; `scoreSteps` returns one [(T-K)*B, B] matrix per k. With 'all-steps' the
 * columns are (t', b') pairs, t'*B + b', so each k is [(T-K)*B, (T-K)*B] with a diagonal positive.
 */
export class BilinearCritic extends Module implements Critic {
  readonly predictors: Dense;
  readonly negatives: BilinearNegatives;

  constructor(
    readonly options: BilinearCriticOptions,
    rng: Rng,
  ) {
    super();
    const { steps, contextChannels, frameChannels } = options;
    for (const [name, value] of Object.entries({ steps, contextChannels, frameChannels })) {
      if (!Number.isInteger(value) || value <= 0) {
        throw new Error(`BilinearCritic: ${name} must be a positive integer, got ${String(value)}`);
      }
    }
    this.negatives = options.negatives ?? 'same-step';
    // Dense's fan-in init over D_c is PyTorch's nn.Linear(D_c, D_z) init of each W_k.
    this.predictors = this.addModule(
      'predictors',
      new Dense({ inUnits: contextChannels, units: steps * frameChannels, useBias: false }, rng.fork('predictors')),
    );
  }

  /** W_k as a [D_c, D_z] tensor (a copy; dispose it). k counts from 1. */
  predictor(k: number): tf.Tensor2D {
    const { steps, contextChannels, frameChannels } = this.options;
    if (!Number.isInteger(k) || k < 1 || k > steps) {
      throw new Error(`BilinearCritic.predictor: k must be an integer in 1..${steps}, got ${k}`);
    }
    return tf.slice(this.predictors.kernel, [0, (k - 1) * frameChannels], [contextChannels, frameChannels]) as tf.Tensor2D;
  }

  /** contexts c [B, T, D_c], frames z [B, T, D_z] -> all steps in one [K*(T-K)*B, M] matrix. */
  score(contexts: tf.Tensor, frames: tf.Tensor, _options?: ApplyOptions): CriticOutput {
    return tf.tidy(() => {
      const perStep = this.stepScores(contexts, frames);
      const [k, rows, cols] = perStep.shape as [number, number, number];
      const scores = tf.reshape(perStep, [k * rows, cols]);
      // Rows come in runs of M, each run's positives on the diagonal (rows is a multiple of M).
      const positiveMask = tf.tile(tf.eye(cols), [(k * rows) / cols, 1]);
      return { scores, positiveMask };
    });
  }

  /** One {scores, positiveMask} per step k = 1..K (index k - 1), for per-step metrics. */
  scoreSteps(contexts: tf.Tensor, frames: tf.Tensor, _options?: ApplyOptions): CriticOutput[] {
    return tf.tidy(() => {
      const perStep = this.stepScores(contexts, frames);
      const [, rows, cols] = perStep.shape as [number, number, number];
      return tf.unstack(perStep).map((scores) => ({
        scores,
        positiveMask: tf.tile(tf.eye(cols), [rows / cols, 1]),
      }));
    });
  }

  getConfig(): Record<string, unknown> {
    return { ...this.options, negatives: this.negatives };
  }

  /** [K, (T-K)*B, M] with M = B ('same-step') or (T-K)*B ('all-steps'). */
  private stepScores(contexts: tf.Tensor, frames: tf.Tensor): tf.Tensor3D {
    const { steps: K, contextChannels: Dc, frameChannels: Dz } = this.options;
    const { B, T } = assertShapes({
      'BilinearCritic contexts': [contexts, ['B', 'T', Dc]],
      'BilinearCritic frames': [frames, ['B', 'T', Dz]],
    }) as { B: number; T: number };
    if (T <= K) {
      throw new Error(`BilinearCritic: sequences of ${T} steps are too short to predict ${K} steps ahead (need T > K)`);
    }
    const span = T - K;
    return tf.tidy(() => {
      const c = tf.slice(contexts, [0, 0, 0], [B, span, Dc]);
      // [B, span, K*Dz] -> [K, span, B, Dz]: predictions of step k for every (t, b).
      const predictions = tf.transpose(tf.reshape(this.predictors.apply(c), [B, span, K, Dz]), [2, 1, 0, 3]);
      // z_{t+k} for t < span, per k: K slices stacked -> [K, B, span, Dz] -> [K, span, B, Dz].
      const targets = tf.transpose(
        tf.stack(Array.from({ length: K }, (_, i) => tf.slice(frames, [0, i + 1, 0], [B, span, Dz]))),
        [0, 2, 1, 3],
      );
      if (this.negatives === 'same-step') {
        const perT = tf.matMul(
          tf.reshape(predictions, [K * span, B, Dz]) as tf.Tensor3D,
          tf.reshape(targets, [K * span, B, Dz]) as tf.Tensor3D,
          false,
          true,
        );
        return tf.reshape(perT, [K, span * B, B]) as tf.Tensor3D;
      }
      return tf.matMul(
        tf.reshape(predictions, [K, span * B, Dz]) as tf.Tensor3D,
        tf.reshape(targets, [K, span * B, Dz]) as tf.Tensor3D,
        false,
        true,
      );
    });
  }
}
