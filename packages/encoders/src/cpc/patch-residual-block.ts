import * as tf from '@tensorflow/tfjs';
import { Conv2d, Module, type ApplyOptions, type Rng } from '@infomax/core';
import { applyNorm, createNorm, type NormKind, type NormLayer } from '../layers/norm-layer';

export interface PatchResidualBlockOptions {
  inChannels: number;
  outChannels: number;
  stride: number;
  norm: NormKind;
}

/**
 * A basic ResNet block: 3x3 conv (stride s) -> norm -> ReLU -> 3x3 conv -> norm, plus the input
 * (or a 1x1 strided projection when the shape changes), then ReLU. Convs drop their bias when a
 * norm follows, since the norm's shift replaces it.
 */
export class PatchResidualBlock extends Module {
  private readonly conv1: Conv2d;
  private readonly norm1: NormLayer | null;
  private readonly conv2: Conv2d;
  private readonly norm2: NormLayer | null;
  private readonly projection: Conv2d | null;
  private readonly projectionNorm: NormLayer | null;

  constructor(
    readonly options: PatchResidualBlockOptions,
    rng: Rng,
  ) {
    super();
    const { inChannels, outChannels, stride, norm } = options;
    const useBias = norm === 'none';
    const optionalNorm = (name: string) => {
      const layer = createNorm(norm, outChannels);
      return layer ? this.addModule(name, layer) : null;
    };
    this.conv1 = this.addModule(
      'conv1',
      new Conv2d({ inChannels, filters: outChannels, kernelSize: 3, strides: stride, padding: 1, useBias }, rng.fork('conv1')),
    );
    this.norm1 = optionalNorm('norm1');
    this.conv2 = this.addModule(
      'conv2',
      new Conv2d({ inChannels: outChannels, filters: outChannels, kernelSize: 3, padding: 1, useBias }, rng.fork('conv2')),
    );
    this.norm2 = optionalNorm('norm2');
    const project = stride !== 1 || inChannels !== outChannels;
    this.projection = project
      ? this.addModule(
          'projection',
          new Conv2d({ inChannels, filters: outChannels, kernelSize: 1, strides: stride, useBias }, rng.fork('projection')),
        )
      : null;
    this.projectionNorm = project ? optionalNorm('projection_norm') : null;
  }

  apply(x: tf.Tensor4D, options: ApplyOptions): tf.Tensor4D {
    return tf.tidy(() => {
      const h = tf.relu(applyNorm(this.norm1, this.conv1.apply(x), options));
      const branch = applyNorm(this.norm2, this.conv2.apply(h), options);
      const shortcut = this.projection ? applyNorm(this.projectionNorm, this.projection.apply(x), options) : x;
      return tf.relu(tf.add(branch, shortcut)) as tf.Tensor4D;
    });
  }
}
