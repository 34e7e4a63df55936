import type * as tf from '@tensorflow/tfjs';

/**
 * Anything that owns variables. Keys of `namedVariables()` are stable paths ("stem/conv/kernel")
 * that depend only on the architecture, so checkpoints written by one process load in another.
 */
export interface Parameterised {
  namedVariables(): Map<string, tf.Variable>;
  readonly trainableVariables: tf.Variable[];
  /** Variables updated outside gradient descent, e.g. batch-norm moving statistics. */
  readonly nonTrainableVariables: tf.Variable[];
  dispose(): void;
}
