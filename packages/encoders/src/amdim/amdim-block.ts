import * as tf from '@tensorflow/tfjs';
import { Module, type ApplyOptions, type Rng } from '@infomax/core';
import { AmdimResidualUnit } from './amdim-residual-unit';

export interface AmdimBlockOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  stride: number;
  /** Units in the block: one ResNxN(k, s), then depth - 1 ResNxN(1, 1). */
  depth: number;
  useBatchNorm?: boolean;
}

/** AMDIM's ConvResBlock: the resampling unit followed by depth - 1 width-preserving 1x1 units. */
export class AmdimBlock extends Module {
  readonly units: AmdimResidualUnit[] = [];

  constructor(
    readonly options: AmdimBlockOptions,
    rng: Rng,
  ) {
    super();
    const { inChannels, outChannels, kernelSize, stride, depth, useBatchNorm } = options;
    for (let i = 0; i < depth; i++) {
      const unit =
        i === 0
          ? new AmdimResidualUnit({ inChannels, outChannels, kernelSize, stride, useBatchNorm }, rng.fork(`unit${i}`))
          : new AmdimResidualUnit({ inChannels: outChannels, outChannels, kernelSize: 1, stride: 1, useBatchNorm }, rng.fork(`unit${i}`));
      this.units.push(this.addModule(`unit${i}`, unit));
    }
  }

  apply(x: tf.Tensor4D, options: ApplyOptions): tf.Tensor4D {
    return tf.tidy(() => this.units.reduce((h, unit) => unit.apply(h, options), x));
  }
}
