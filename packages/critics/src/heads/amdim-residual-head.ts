import * as tf from '@tensorflow/tfjs';
import { BatchNorm, Conv2d, Module, noisyIdentity, type ApplyOptions, type Rng } from '@infomax/core';
import { applyPointwise } from '../layout/pointwise';
import type { ProjectionHead } from './projection-head';

export interface AmdimResidualHeadOptions {
  inChannels: number;
  /** D = n_rkhs, the embedding size the dot product runs in. */
  outChannels: number;
  /** Half-width of the uniform noise around the identity of the shortcut (AMDIM: 0.01). */
  shortcutNoise?: number;
}

/**
 * AMDIM's head for the 5x5 and 7x7 maps: `BN(conv1x1(relu(conv1x1(x))) + shortcut(x))`, both
 * branch convs without bias, the shortcut a 1x1 conv with bias started near the identity so the
 * head first passes features through and learns a residual on top. The batch norm is always on,
 * whatever the encoder's setting: it keeps the dot products of both views on one scale.
 */
export class AmdimResidualHead extends Module implements ProjectionHead {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly branchIn: Conv2d;
  readonly branchOut: Conv2d;
  readonly shortcut: Conv2d;
  readonly norm: BatchNorm;

  constructor(
    readonly options: AmdimResidualHeadOptions,
    rng: Rng,
  ) {
    super();
    const { inChannels, outChannels } = options;
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.branchIn = this.addModule(
      'branch_in',
      new Conv2d({ inChannels, filters: outChannels, kernelSize: 1, useBias: false }, rng.fork('branch_in')),
    );
    this.branchOut = this.addModule(
      'branch_out',
      new Conv2d({ inChannels: outChannels, filters: outChannels, kernelSize: 1, useBias: false }, rng.fork('branch_out')),
    );
    const initialKernel = noisyIdentity(inChannels, outChannels, options.shortcutNoise ?? 0.01, rng.fork('shortcut_identity')) as tf.Tensor4D;
    this.shortcut = this.addModule(
      'shortcut',
      new Conv2d({ inChannels, filters: outChannels, kernelSize: 1, useBias: true, initialKernel }, rng.fork('shortcut')),
    );
    initialKernel.dispose();
    this.norm = this.addModule('norm', new BatchNorm({ channels: outChannels }));
  }

  apply(x: tf.Tensor, options: ApplyOptions): tf.Tensor {
    return tf.tidy(() => {
      const label = 'AmdimResidualHead input';
      const branch = applyPointwise(this.branchOut, tf.relu(applyPointwise(this.branchIn, x, label)), label);
      return this.norm.apply(tf.add(branch, applyPointwise(this.shortcut, x, label)), options);
    });
  }

  getConfig(): Record<string, unknown> {
    return { ...this.options };
  }
}
