import type * as tf from '@tensorflow/tfjs';
import { BatchNorm, LayerNorm } from '@infomax/core';

/** Normalisation choices of conv stacks: CPC v1 used batch norm, CPC v2 layer norm. */
export type NormKind = 'batch' | 'layer' | 'none';
export const NORM_KINDS: readonly NormKind[] = ['batch', 'layer', 'none'];

export type NormLayer = BatchNorm | LayerNorm;

export function createNorm(kind: NormKind, channels: number): NormLayer | null {
  if (kind === 'batch') return new BatchNorm({ channels });
  if (kind === 'layer') return new LayerNorm({ channels });
  return null;
}

export function applyNorm(norm: NormLayer | null, x: tf.Tensor, training: boolean): tf.Tensor {
  if (norm === null) return x;
  return norm instanceof BatchNorm ? norm.apply(x, { training }) : norm.apply(x);
}
