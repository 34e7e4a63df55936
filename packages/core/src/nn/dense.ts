import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random/rng';
import { assertShape } from '../tensor/shape-assertions';
import { initialize, type InitializerName } from './initializers';
import { Module } from './module';

export interface DenseOptions {
  inUnits: number;
  units: number;
  useBias?: boolean;
  kernelInitializer?: InitializerName;
}

/** x [..., in] -> x W + b [..., out]. */
export class Dense extends Module {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    readonly options: DenseOptions,
    rng: Rng,
  ) {
    super();
    const { inUnits, units } = options;
    this.kernel = this.addVariable(
      'kernel',
      initialize(options.kernelInitializer ?? 'fan-in-uniform', [inUnits, units], inUnits, units, rng.fork('kernel')),
    );
    this.bias = options.useBias === false ? null : this.addVariable('bias', initialize('fan-in-uniform', [units], inUnits, units, rng.fork('bias')));
  }

  apply(x: tf.Tensor): tf.Tensor {
    if (x.shape[x.rank - 1] !== this.options.inUnits) {
      assertShape(x, [...Array(x.rank - 1).fill(null), this.options.inUnits], 'Dense input');
    }
    return tf.tidy(() => {
      const flat = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, this.options.inUnits]) as tf.Tensor2D;
      let y: tf.Tensor = tf.matMul(flat, this.kernel as tf.Tensor2D);
      if (this.bias) y = tf.add(y, this.bias);
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.options.units]);
    });
  }
}
