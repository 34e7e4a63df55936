import type * as tf from '@tensorflow/tfjs';

/**
 * Maps a batch of inputs to features [B, D] (or [B, ...], flattened by the caller). Runs inside
 * `tf.tidy`, so it must be synchronous; intermediate tensors are freed automatically.
 */
export type Featurizer = (x: tf.Tensor) => tf.Tensor;
