import type * as tf from '@tensorflow/tfjs';
import type { ApplyOptions } from './encoder';
import type { Parameterised } from './parameterised';

/**
 * Scores laid out for a bound: row n = one antecedent, column m = one consequent, with the 0/1
 * mask of positives. `scores` may carry leading batch dims ([..., N, M]) for per-step critics.
 */
// A type alias (not an interface) so it is a `TensorContainer`: `tf.tidy` may return it and
// `tf.dispose` may take it.
export type CriticOutput = {
  scores: tf.Tensor;
  positiveMask: tf.Tensor;
};

export interface Critic extends Parameterised {
  score(antecedents: tf.Tensor, consequents: tf.Tensor, options: ApplyOptions): CriticOutput;
  getConfig(): Record<string, unknown>;
}

/**
 * A critic whose score is a function of separately embedded sides (dot product, bilinear).
 * Objectives that must pick locations *after* embedding (AMDIM's random 5x5 source) use these.
 */
export interface SeparableCritic extends Critic {
  /**
   * True when `embedAntecedents` / `embedConsequents` honour `statisticsGroups` in every batch
   * norm they run (or have none); see `ApplyOptions.statisticsGroups`. Absent or false: an
   * objective embeds each view in its own call.
   */
  readonly supportsStatisticsGroups?: boolean;
  embedAntecedents(x: tf.Tensor, options: ApplyOptions): tf.Tensor;
  embedConsequents(x: tf.Tensor, options: ApplyOptions): tf.Tensor;
  scoreEmbeddings(antecedents: tf.Tensor, consequents: tf.Tensor): CriticOutput;
}

export function isSeparableCritic(critic: Critic): critic is SeparableCritic {
  const c = critic as Partial<SeparableCritic>;
  return typeof c.embedAntecedents === 'function' && typeof c.embedConsequents === 'function' && typeof c.scoreEmbeddings === 'function';
}

/**
 * A discriminator of single inputs (not pairs): DIM's prior discriminator. `discriminate` gives
 * logits [B]; `gradientPenalty` the mean squared norm of d logits / d input.
 */
export interface Discriminator extends Parameterised {
  discriminate(x: tf.Tensor): tf.Tensor1D;
  gradientPenalty(x: tf.Tensor): tf.Scalar;
}

export function isDiscriminator(value: unknown): value is Discriminator {
  const d = value as Partial<Discriminator> | null;
  return !!d && typeof d.discriminate === 'function' && typeof d.gradientPenalty === 'function';
}
