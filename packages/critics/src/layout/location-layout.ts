import type * as tf from '@tensorflow/tfjs';
import { assertShape, type DimSpec } from '@infomax/core';

/**
 * Per-image features seen as a set of locations: [B, D] is one location, [B, L, D] is L and an
 * NHWC map [B, H, W, D] is H*W (row-major, the order `reshape` gives).
 */
export interface LocationLayout {
  batch: number;
  locations: number;
  channels: number;
}

/** Reads the layout of `x`, checking rank 2-4 and (when given) the channel count. */
export function locationLayout(x: tf.Tensor, label: string, channels?: number): LocationLayout {
  if (x.rank < 2 || x.rank > 4) {
    throw new Error(
      `${label} must be [B, D], [B, L, D] or [B, H, W, D]; got rank ${x.rank} [${x.shape.join(', ')}]`,
    );
  }
  if (channels !== undefined) {
    assertShape(x, [...Array<DimSpec>(x.rank - 1).fill(null), channels], label);
  }
  const batch = x.shape[0]!;
  const d = x.shape[x.rank - 1]!;
  const locations = x.shape.slice(1, -1).reduce((a, b) => a * b, 1);
  return { batch, locations, channels: d };
}
