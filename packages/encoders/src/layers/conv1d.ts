import * as tf from '@tensorflow/tfjs';
import { assertShape, initialize, Module, type InitializerName, type Rng } from '@infomax/core';

export interface Conv1dOptions {
  inChannels: number;
  filters: number;
  kernelSize: number;
  strides?: number;
  /** Symmetric zero padding in samples. */
  padding?: number;
  useBias?: boolean;
  kernelInitializer?: InitializerName;
}

/**
 * 1-D convolution over [B, T, C] with a [k, in, out] kernel. tf.conv1d runs as a conv2d on
 * [B, 1, T, C]; on wasm it measured as fast as a hand-reshaped conv2d and faster than an
 * im2col + matMul, so there is no reason for a custom path.
 */
export class Conv1d extends Module {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    readonly options: Conv1dOptions,
    rng: Rng,
  ) {
    super();
    const { inChannels, filters, kernelSize } = options;
    const fanIn = kernelSize * inChannels;
    this.kernel = this.addVariable(
      'kernel',
      initialize(options.kernelInitializer ?? 'fan-in-uniform', [kernelSize, inChannels, filters], fanIn, kernelSize * filters, rng.fork('kernel')),
    );
    this.bias =
      options.useBias === false ? null : this.addVariable('bias', initialize('fan-in-uniform', [filters], fanIn, filters, rng.fork('bias')));
  }

  apply(x: tf.Tensor): tf.Tensor3D {
    assertShape(x, [null, null, this.options.inChannels], 'Conv1d input [B, T, C]');
    return tf.tidy(() => {
      const pad = this.options.padding ?? 0;
      // Explicit tf.pad keeps every backend on the plain 'valid' kernel and its gradients.
      const padded = pad > 0 ? tf.pad(x as tf.Tensor3D, [[0, 0], [pad, pad], [0, 0]]) : (x as tf.Tensor3D);
      const y = tf.conv1d(padded, this.kernel as tf.Tensor3D, this.options.strides ?? 1, 'valid');
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }
}
