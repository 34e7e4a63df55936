import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random/rng';
import type { Parameterised } from './parameterised';
import type { Views } from './view-generator';

export interface ObjectiveOutput {
  /** The main loss, minimised over the objective's `trainableVariables`. */
  loss: tf.Scalar;
  /** Scalars to log: bound estimates, per-term losses, probe accuracy. */
  metrics: Record<string, tf.Scalar>;
  /**
   * Tensors from this forward pass that auxiliary groups train on (e.g. DIM's sigmoid(Y) for the
   * prior discriminator, features for an online probe). The trainer treats them as constants:
   * gradients of auxiliary losses never reach the main variables through them.
   */
  auxiliaryInputs?: Record<string, tf.Tensor>;
}

/**
 * A group of variables with its own optimiser and loss, trained after the main step on the same
 * batch: DIM's prior discriminator (adversarial), online linear probes.
 */
export interface OptimizerGroup {
  readonly name: string;
  readonly variables: tf.Variable[];
  /** Learning rate (Adam) unless the trainer's config overrides it for this group. */
  readonly learningRate?: number;
  loss(inputs: Record<string, tf.Tensor>, rng: Rng): { loss: tf.Scalar; metrics?: Record<string, tf.Scalar> };
}

export interface ComputeOptions {
  training: boolean;
  /** Integer class labels [B], when the data source has them (used by online probes only). */
  labels?: tf.Tensor1D;
  /** Stream for per-call randomness (e.g. AMDIM's random 5x5 source locations). */
  rng: Rng;
}

export interface Objective extends Parameterised {
  readonly name: string;
  compute(views: Views, options: ComputeOptions): ObjectiveOutput;
  /** Extra optimiser groups (adversaries, online probes); their variables are not in `trainableVariables`. */
  auxiliaryGroups(): OptimizerGroup[];
  getConfig(): Record<string, unknown>;
}
