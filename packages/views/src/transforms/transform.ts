import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/core';

/** [batch, height, width, channels] of an NHWC image batch. */
export type ImageBatchShape = readonly [number, number, number, number];

/**
 * One augmentation of an NHWC float batch in [0, 1]. Random parameters are drawn per image in JS
 * from `rng` (a handful of numbers each) and applied as batched tensor ops, so a seed reproduces
 * the output on every backend.
 */
export interface Transform {
  /** A short name used in configs and error messages. */
  readonly name: string;
  apply(batch: tf.Tensor4D, rng: Rng): tf.Tensor4D;
  getConfig(): Record<string, unknown>;
}

/**
 * A transform whose randomness is an explicit per-image parameter set. `RandomApply` uses this to
 * give skipped images identity parameters, so the whole batch still goes through one op.
 */
export interface ParametricTransform<P> extends Transform {
  /**
   * Draws parameters for every image. Images with `active[i] === false` get identity parameters;
   * the number of draws never depends on `active`, so a mask does not shift later randomness.
   */
  sampleParams(shape: ImageBatchShape, rng: Rng, active?: readonly boolean[]): P;
  applyParams(batch: tf.Tensor4D, params: P): tf.Tensor4D;
}

export function isParametric(transform: Transform): transform is ParametricTransform<unknown> {
  const candidate = transform as Partial<ParametricTransform<unknown>>;
  return typeof candidate.sampleParams === 'function' && typeof candidate.applyParams === 'function';
}

/** Shared `apply` of parametric transforms: sample, then apply, inside one tidy. */
export abstract class ParametricTransformBase<P> implements ParametricTransform<P> {
  abstract readonly name: string;
  abstract sampleParams(shape: ImageBatchShape, rng: Rng, active?: readonly boolean[]): P;
  abstract applyParams(batch: tf.Tensor4D, params: P): tf.Tensor4D;
  abstract getConfig(): Record<string, unknown>;

  apply(batch: tf.Tensor4D, rng: Rng): tf.Tensor4D {
    const params = this.sampleParams(batch.shape, rng);
    return tf.tidy(() => this.applyParams(batch, params));
  }
}
