import type * as tf from '@tensorflow/tfjs';

/**
 * Named feature maps an encoder yields for one batch, e.g. `global` [B, D], `local5` [B,5,5,D],
 * `local7` [B,7,7,D], `frames` [B,T,D]. Shapes are NHWC for images, [B, T, C] for sequences.
 */
export type FeatureSet = Record<string, tf.Tensor>;

/** Per-feature shapes without the batch dimension, as an encoder predicts them for an input. */
export type FeatureShapes = Record<string, number[]>;
