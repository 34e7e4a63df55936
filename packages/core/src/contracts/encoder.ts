import type * as tf from '@tensorflow/tfjs';
import type { FeatureSet, FeatureShapes } from './feature-set';
import type { Parameterised } from './parameterised';

export interface ApplyOptions {
  /** Training mode: batch norm uses batch statistics and updates its moving averages. */
  training: boolean;
}

export interface Encoder extends Parameterised {
  apply(x: tf.Tensor, options: ApplyOptions): FeatureSet;
  /** Feature names and shapes (without batch) this encoder yields for `inputShape` (without batch). */
  featureShapes(inputShape: readonly number[]): FeatureShapes;
  getConfig(): Record<string, unknown>;
}
