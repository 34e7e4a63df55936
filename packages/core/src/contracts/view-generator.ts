import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random/rng';

/**
 * Views of one batch: two augmented copies (AMDIM), the batch itself (DIM), a patch grid
 * [B, gh, gw, ph, pw, C] (CPC images) or temporal windows (CPC sequences).
 */
export type Views = Record<string, tf.Tensor>;

export interface ViewGenerator {
  /** Deterministic given the RNG state: the same seed gives the same views. */
  generate(batch: tf.Tensor, rng: Rng): Views;
  getConfig(): Record<string, unknown>;
}
