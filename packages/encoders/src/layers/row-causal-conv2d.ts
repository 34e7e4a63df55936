import * as tf from '@tensorflow/tfjs';
import { assertShape, initialize, Module, type Rng } from '@infomax/core';

export interface RowCausalConv2dOptions {
  inChannels: number;
  filters: number;
  /** Odd kernel size k of the equivalent masked k x k convolution. */
  kernelSize: number;
  useBias?: boolean;
}

/**
 * A PixelCNN-style masked k x k convolution whose output at row i sees input rows i - k/2 .. i
 * (all columns of the window): the mask zeroes the kernel rows below the centre. Instead of
 * multiplying a full kernel by a 0/1 mask (and spending half the FLOPs on zeros), the kernel
 * holds only the unmasked rows, [floor(k/2) + 1, k, in, out], and the input is padded on top
 * only. The two are the same function; this one cannot leak the future through a gradient
 * update of a masked weight because that weight does not exist.
 */
export class RowCausalConv2d extends Module {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly kernelRows: number;

  constructor(
    readonly options: RowCausalConv2dOptions,
    rng: Rng,
  ) {
    super();
    const { inChannels, filters, kernelSize } = options;
    if (!Number.isInteger(kernelSize) || kernelSize < 1 || kernelSize % 2 === 0) {
      throw new Error(`RowCausalConv2d: kernelSize must be a positive odd integer, got ${kernelSize}`);
    }
    this.kernelRows = Math.floor(kernelSize / 2) + 1;
    const fanIn = this.kernelRows * kernelSize * inChannels;
    this.kernel = this.addVariable(
      'kernel',
      initialize('fan-in-uniform', [this.kernelRows, kernelSize, inChannels, filters], fanIn, fanIn, rng.fork('kernel')),
    );
    this.bias =
      options.useBias === false ? null : this.addVariable('bias', initialize('fan-in-uniform', [filters], fanIn, filters, rng.fork('bias')));
  }

  apply(x: tf.Tensor): tf.Tensor4D {
    assertShape(x, [null, null, null, this.options.inChannels], 'RowCausalConv2d input (NHWC)');
    return tf.tidy(() => {
      const half = Math.floor(this.options.kernelSize / 2);
      const padded = half > 0 ? tf.pad(x as tf.Tensor4D, [[0, 0], [half, 0], [half, half], [0, 0]]) : (x as tf.Tensor4D);
      const y = tf.conv2d(padded, this.kernel as tf.Tensor4D, 1, 'valid');
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }
}
