import * as tf from '@tensorflow/tfjs';
import { Module } from './module';

export interface LayerNormOptions {
  channels: number;
  epsilon?: number;
  affine?: boolean;
}

/** Normalises each position over its last axis (channels); same in training and inference. */
export class LayerNorm extends Module {
  readonly gamma: tf.Variable | null;
  readonly beta: tf.Variable | null;

  constructor(readonly options: LayerNormOptions) {
    super();
    const affine = options.affine ?? true;
    this.gamma = affine ? this.addVariable('gamma', tf.ones([options.channels])) : null;
    this.beta = affine ? this.addVariable('beta', tf.zeros([options.channels])) : null;
  }

  apply(x: tf.Tensor): tf.Tensor {
    if (x.shape[x.rank - 1] !== this.options.channels) {
      throw new Error(
        `LayerNorm expects ${this.options.channels} channels on the last axis, got shape [${x.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, -1, true);
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.options.epsilon ?? 1e-5)));
      if (this.gamma) y = tf.mul(y, this.gamma);
      if (this.beta) y = tf.add(y, this.beta);
      return y;
    });
  }
}
