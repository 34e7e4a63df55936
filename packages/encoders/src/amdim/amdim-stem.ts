import * as tf from '@tensorflow/tfjs';
import { Conv2d, Module, type Rng } from '@infomax/core';

export interface AmdimStemOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  stride: number;
  /** Reflect padding in pixels before the conv (the 128x128 encoder's first layer uses 2). */
  reflectPadding?: number;
}

/** AMDIM's Conv3x3 layer: [reflect pad] -> conv with bias -> ReLU (never batch-normed). */
export class AmdimStem extends Module {
  readonly conv: Conv2d;

  constructor(
    readonly options: AmdimStemOptions,
    rng: Rng,
  ) {
    super();
    const { inChannels, outChannels, kernelSize, stride } = options;
    this.conv = this.addModule(
      'conv',
      new Conv2d({ inChannels, filters: outChannels, kernelSize, strides: stride, useBias: true }, rng.fork('conv')),
    );
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const p = this.options.reflectPadding ?? 0;
      const padded = p > 0 ? tf.mirrorPad(x, [[0, 0], [p, p], [p, p], [0, 0]], 'reflect') : x;
      return tf.relu(this.conv.apply(padded));
    });
  }
}
