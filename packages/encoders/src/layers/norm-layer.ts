import type * as tf from '@tensorflow/tfjs';
import { BatchNorm, LayerNorm, type ApplyOptions } from '@infomax/core';

/** Normalisation choices of conv stacks: CPC v1 used batch norm, CPC v2 layer norm. */
export type NormKind = 'batch' | 'layer' | 'none';
export const NORM_KINDS: readonly NormKind[] = ['batch', 'layer', 'none'];

export type NormLayer = BatchNorm | LayerNorm;

export function createNorm(kind: NormKind, channels: number): NormLayer | null {
  if (kind === 'batch') return new BatchNorm({ channels });
  if (kind === 'layer') return new LayerNorm({ channels });
  return null;
}

/** `options` may be the training flag alone (no statistics groups). Layer norm is per example. */
export function applyNorm(norm: NormLayer | null, x: tf.Tensor, options: ApplyOptions | boolean): tf.Tensor {
  if (norm === null) return x;
  return norm instanceof BatchNorm ? norm.apply(x, typeof options === 'boolean' ? { training: options } : options) : norm.apply(x);
}
