import type * as tf from '@tensorflow/tfjs';
import type { FeatureSet, FeatureShapes } from './feature-set';
import type { Parameterised } from './parameterised';

export interface ApplyOptions {
  /** Training mode: batch norm uses batch statistics and updates its moving averages. */
  training: boolean;
  /**
   * The batch is this many equal groups stacked on axis 0 (e.g. the two views of a step, view 1
   * first); in training, batch norm computes its statistics per group and updates its moving
   * averages once per group, in group order, exactly as that many separate calls would. One
   * pass over the stacked batch is cheaper than one pass per group (fewer, larger kernels).
   * Default 1. Only pass it to a part that declares `supportsStatisticsGroups`.
   */
  statisticsGroups?: number;
}

export interface Encoder extends Parameterised {
  /**
   * True when `apply` honours `statisticsGroups` in every batch norm it runs (or has none), so
   * an objective may stack several views into one batch. Absent or false: the objective runs
   * one pass per view, which is always correct.
   */
  readonly supportsStatisticsGroups?: boolean;
  apply(x: tf.Tensor, options: ApplyOptions): FeatureSet;
  /** Feature names and shapes (without batch) this encoder yields for `inputShape` (without batch). */
  featureShapes(inputShape: readonly number[]): FeatureShapes;
  getConfig(): Record<string, unknown>;
}
