import type * as tf from '@tensorflow/tfjs';
import type { ApplyOptions, Parameterised } from '@infomax/core';

/**
 * A per-location embedding applied before a separable critic: [..., inChannels] ->
 * [..., outChannels] for [B, C], [B, L, C] and NHWC [B, H, W, C] inputs alike (a global vector is
 * a 1x1 map). Batch-norm statistics are taken over every leading axis (per group with
 * `statisticsGroups`), so apply a head to the whole map before selecting locations from it.
 */
export interface ProjectionHead extends Parameterised {
  readonly inChannels: number;
  readonly outChannels: number;
  apply(x: tf.Tensor, options: ApplyOptions): tf.Tensor;
}

/** The heads a dot-product critic can put on either side. */
export const HEAD_KINDS = ['none', 'amdim-residual', 'dim-encode'] as const;
export type HeadKind = (typeof HEAD_KINDS)[number];
