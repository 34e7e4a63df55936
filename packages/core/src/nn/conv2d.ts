import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random/rng';
import { assertShape } from '../tensor/shape-assertions';
import { initialize, type InitializerName } from './initializers';
import { Module } from './module';

export interface Conv2dOptions {
  inChannels: number;
  filters: number;
  kernelSize: number;
  strides?: number;
  /** 'valid', 'same', or a symmetric zero padding in pixels. */
  padding?: 'valid' | 'same' | number;
  useBias?: boolean;
  kernelInitializer?: InitializerName;
  /** A ready kernel [k, k, in, out] to start from instead (it is copied). */
  initialKernel?: tf.Tensor4D;
}

/** NHWC 2-D convolution with an HWIO kernel. */
export class Conv2d extends Module {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    readonly options: Conv2dOptions,
    rng: Rng,
  ) {
    super();
    const { inChannels, filters, kernelSize } = options;
    const shape = [kernelSize, kernelSize, inChannels, filters];
    const fanIn = kernelSize * kernelSize * inChannels;
    const fanOut = kernelSize * kernelSize * filters;
    const initial = options.initialKernel
      ? options.initialKernel.clone()
      : initialize(options.kernelInitializer ?? 'fan-in-uniform', shape, fanIn, fanOut, rng.fork('kernel'));
    this.kernel = this.addVariable('kernel', initial);
    this.bias = options.useBias === false ? null : this.addVariable('bias', initialize('fan-in-uniform', [filters], fanIn, filters, rng.fork('bias')));
  }

  apply(x: tf.Tensor): tf.Tensor4D {
    assertShape(x, [null, null, null, this.options.inChannels], `${this.constructor.name} input (NHWC)`);
    return tf.tidy(() => {
      const pad = this.options.padding ?? 'valid';
      const strides = this.options.strides ?? 1;
      const y =
        typeof pad === 'number' && pad > 0
          ? tf.conv2d(
              tf.pad(x as tf.Tensor4D, [[0, 0], [pad, pad], [pad, pad], [0, 0]]),
              this.kernel as tf.Tensor4D,
              strides,
              'valid',
            )
          : tf.conv2d(x as tf.Tensor4D, this.kernel as tf.Tensor4D, strides, pad === 0 ? 'valid' : (pad as 'valid' | 'same'));
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }
}
