import type * as tf from '@tensorflow/tfjs';
import { blockMask } from './block-mask';

/**
 * The mask [B, B*L] of "one source per image against every location of every image": row n is
 * positive on columns n*L .. n*L + L - 1 (its own image's L locations), negative elsewhere.
 */
export function sameImageBlockMask(batch: number, locations: number): tf.Tensor2D {
  if (!Number.isInteger(batch) || batch <= 0 || !Number.isInteger(locations) || locations <= 0) {
    throw new Error(
      `sameImageBlockMask: batch and locations must be positive integers, got ${batch} and ${locations}`,
    );
  }
  return blockMask(batch, batch * locations, 1, locations);
}
