import type * as tf from '@tensorflow/tfjs';
import type { ApplyOptions } from './encoder';
import type { Parameterised } from './parameterised';

/**
 * Scores laid out for a bound: row n = one antecedent, column m = one consequent, with the 0/1
 * mask of positives. `scores` may carry leading batch dims ([..., N, M]) for per-step critics.
 */
export interface CriticOutput {
  scores: tf.Tensor;
  positiveMask: tf.Tensor;
}

export interface Critic extends Parameterised {
  score(antecedents: tf.Tensor, consequents: tf.Tensor, options: ApplyOptions): CriticOutput;
  getConfig(): Record<string, unknown>;
}
