import * as tf from '@tensorflow/tfjs';
import { BatchNorm, Conv2d, Module, type ApplyOptions, type Rng } from '@infomax/core';
import { avgPoolShortcut } from '../layers/avg-pool-shortcut';

export interface AmdimResidualUnitOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  stride: number;
  /** Batch norm after the branch's first conv (AMDIM's `use_bn`); off by default. */
  useBatchNorm?: boolean;
}

/**
 * AMDIM's ResNxN(k, s). Branch: k x k conv (stride s, no bias) -> [BN] -> ReLU -> 1x1 conv (no
 * bias, initialised to zero). Shortcut: k x k average pool (stride s) with zero channels appended
 * when widening; when narrowing (n_rkhs below the trunk width) a k x k conv with bias, as in the
 * AMDIM code. Output = branch + shortcut with no ReLU after the sum, so at initialisation the
 * unit is exactly its shortcut and features can be negative.
 */
export class AmdimResidualUnit extends Module {
  readonly conv1: Conv2d;
  readonly norm1: BatchNorm | null;
  readonly conv2: Conv2d;
  readonly shortcutConv: Conv2d | null;

  constructor(
    readonly options: AmdimResidualUnitOptions,
    rng: Rng,
  ) {
    super();
    const { inChannels, outChannels, kernelSize, stride } = options;
    this.conv1 = this.addModule(
      'conv1',
      new Conv2d({ inChannels, filters: outChannels, kernelSize, strides: stride, useBias: false }, rng.fork('conv1')),
    );
    this.norm1 = options.useBatchNorm ? this.addModule('norm1', new BatchNorm({ channels: outChannels })) : null;
    this.conv2 = this.addModule(
      'conv2',
      new Conv2d(
        { inChannels: outChannels, filters: outChannels, kernelSize: 1, useBias: false, kernelInitializer: 'zeros' },
        rng.fork('conv2'),
      ),
    );
    this.shortcutConv =
      outChannels < inChannels
        ? this.addModule(
            'shortcut',
            new Conv2d({ inChannels, filters: outChannels, kernelSize, strides: stride, useBias: true }, rng.fork('shortcut')),
          )
        : null;
  }

  apply(x: tf.Tensor4D, options: ApplyOptions): tf.Tensor4D {
    return tf.tidy(() => {
      let h: tf.Tensor = this.conv1.apply(x);
      if (this.norm1) h = this.norm1.apply(h, options);
      const branch = this.conv2.apply(tf.relu(h));
      const { kernelSize, stride, outChannels } = this.options;
      const shortcut = this.shortcutConv ? this.shortcutConv.apply(x) : avgPoolShortcut(x, kernelSize, stride, outChannels);
      return tf.add(branch, shortcut);
    });
  }
}
