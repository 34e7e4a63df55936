import * as tf from '@tensorflow/tfjs';
import { BatchNorm, Conv2d, LayerNorm, Module, noisyIdentity, type ApplyOptions, type Rng } from '@infomax/core';
import { applyPointwise } from '../layout/pointwise';
import type { ProjectionHead } from './projection-head';

export interface DimEncodeAndDotHeadOptions {
  inChannels: number;
  /** U: 2048 in DIM; 512 or 1024 keep small runs cheap. */
  units?: number;
  /** Half-width of the uniform noise around the identity of the linear shortcut. */
  shortcutNoise?: number;
}

/**
 * DIM's "encode-and-dot-product" embedding, used on both sides (the global Y as a 1x1 map):
 * `LayerNorm(conv1x1(relu(BN(conv1x1(x)))) + shortcut(x))` where the first conv has no bias, the
 * second has one, and the linear shortcut has none and starts near the identity. The layer norm
 * over channels bounds each embedding's scale, which keeps dot-product scores well conditioned.
 */
export class DimEncodeAndDotHead extends Module implements ProjectionHead {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly hidden: Conv2d;
  readonly hiddenNorm: BatchNorm;
  readonly output: Conv2d;
  readonly shortcut: Conv2d;
  readonly norm: LayerNorm;

  constructor(
    readonly options: DimEncodeAndDotHeadOptions,
    rng: Rng,
  ) {
    super();
    const inChannels = options.inChannels;
    const units = options.units ?? 2048;
    this.inChannels = inChannels;
    this.outChannels = units;
    this.hidden = this.addModule(
      'hidden',
      new Conv2d({ inChannels, filters: units, kernelSize: 1, useBias: false }, rng.fork('hidden')),
    );
    this.hiddenNorm = this.addModule('hidden_norm', new BatchNorm({ channels: units }));
    this.output = this.addModule(
      'output',
      new Conv2d({ inChannels: units, filters: units, kernelSize: 1, useBias: true }, rng.fork('output')),
    );
    const initialKernel = noisyIdentity(inChannels, units, options.shortcutNoise ?? 0.01, rng.fork('shortcut_identity')) as tf.Tensor4D;
    this.shortcut = this.addModule(
      'shortcut',
      new Conv2d({ inChannels, filters: units, kernelSize: 1, useBias: false, initialKernel }, rng.fork('shortcut')),
    );
    initialKernel.dispose();
    this.norm = this.addModule('norm', new LayerNorm({ channels: units }));
  }

  apply(x: tf.Tensor, options: ApplyOptions): tf.Tensor {
    return tf.tidy(() => {
      const label = 'DimEncodeAndDotHead input';
      const h = tf.relu(this.hiddenNorm.apply(applyPointwise(this.hidden, x, label), options));
      const nonlinear = applyPointwise(this.output, h, label);
      return this.norm.apply(tf.add(nonlinear, applyPointwise(this.shortcut, x, label)));
    });
  }

  getConfig(): Record<string, unknown> {
    return { ...this.options, units: this.outChannels };
  }
}
