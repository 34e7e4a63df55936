import * as tf from '@tensorflow/tfjs';
import {
  BatchNorm,
  Module,
  type ApplyOptions,
  type Encoder,
  type FeatureSet,
  type FeatureShapes,
  type Rng,
} from '@infomax/core';
import { assertImageInput, assertImageShape, type ImageInputExpectation } from '../validation/image-input';
import { convOutputSize } from '../validation/conv-arithmetic';
import { withDefaults } from '../util/with-defaults';
import { AmdimBlock } from './amdim-block';
import { AMDIM_INPUT_SIZES, AMDIM_LAYOUTS, type AmdimInputSize, type AmdimTap, type AmdimWidth } from './amdim-layouts';
import { AmdimResidualUnit } from './amdim-residual-unit';
import { AmdimStem } from './amdim-stem';

export interface AmdimEncoderOptions {
  /** Square input size: selects the layer list. */
  inputSize?: AmdimInputSize;
  /** Base width; the trunk reaches 4 ndf (32x32) or 8 ndf (64, 128). */
  ndf?: number;
  /** Width of the output f1 (the paper's n_rkhs). */
  nRkhs?: number;
  /** Residual units per block. */
  depth?: number;
  inChannels?: number;
  /** Batch norm inside the residual units and on f7; f1's batch norm is always on. */
  useBatchNorm?: boolean;
}

export type ResolvedAmdimEncoderOptions = Required<AmdimEncoderOptions>;

export const AMDIM_ENCODER_DEFAULTS: ResolvedAmdimEncoderOptions = {
  inputSize: 32,
  ndf: 32,
  nRkhs: 256,
  depth: 1,
  inChannels: 3,
  useBatchNorm: false,
};

interface Layer {
  module: AmdimStem | AmdimBlock | AmdimResidualUnit;
  tap: AmdimTap | undefined;
}

function positiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`AmdimEncoder: ${name} must be a positive integer, got ${String(value)}`);
  }
}

/**
 * The AMDIM ResNet (Bachman et al. 2019) for 32, 64 or 128 pixel square images. Yields `f1`
 * [B, 1, 1, n_rkhs] (batch-normed), `f5` [B, 5, 5, w] and `f7` [B, 7, 7, w], w = 4 ndf for 32
 * and 8 ndf for 64 / 128. The residual heads that map f5 / f7 to n_rkhs belong to the critic.
 */
export class AmdimEncoder extends Module implements Encoder {
  /** Every batch norm it runs takes the caller's `statisticsGroups`. */
  readonly supportsStatisticsGroups = true;
  readonly options: ResolvedAmdimEncoderOptions;
  private readonly layers: Layer[] = [];
  private readonly f7Norm: BatchNorm | null;
  private readonly f1Norm: BatchNorm;

  constructor(options: AmdimEncoderOptions, rng: Rng) {
    super();
    const resolved = withDefaults(AMDIM_ENCODER_DEFAULTS, options);
    this.options = resolved;
    const { inputSize, ndf, nRkhs, depth, inChannels, useBatchNorm } = resolved;
    if (!AMDIM_INPUT_SIZES.includes(inputSize)) {
      throw new Error(
        `AmdimEncoder: inputSize must be one of ${AMDIM_INPUT_SIZES.join(', ')}, got ${String(inputSize)}. ` +
          `Resize or pad your images to one of these sizes.`,
      );
    }
    positiveInteger(ndf, 'ndf');
    positiveInteger(nRkhs, 'nRkhs');
    positiveInteger(depth, 'depth');
    positiveInteger(inChannels, 'inChannels');

    const widthOf = (w: AmdimWidth) => (w === 'rkhs' ? nRkhs : w * ndf);
    let channels = inChannels;
    let f7Channels = 0;
    AMDIM_LAYOUTS[inputSize].forEach((spec, i) => {
      const outChannels = widthOf(spec.width);
      const layerRng = rng.fork(`layer${i}`);
      const { kernelSize, stride } = spec;
      const module =
        spec.kind === 'stem'
          ? new AmdimStem({ inChannels: channels, outChannels, kernelSize, stride, reflectPadding: spec.reflectPadding ?? 0 }, layerRng)
          : spec.kind === 'unit'
            ? new AmdimResidualUnit({ inChannels: channels, outChannels, kernelSize, stride, useBatchNorm }, layerRng)
            : new AmdimBlock({ inChannels: channels, outChannels, kernelSize, stride, depth, useBatchNorm }, layerRng);
      this.layers.push({ module: this.addModule(`layer${i}`, module), tap: spec.tap });
      if (spec.tap === 'f7') f7Channels = outChannels;
      channels = outChannels;
    });
    // The reference code's MaybeBatchNorm2d sits right after the 7x7 block.
    this.f7Norm = useBatchNorm ? this.addModule('f7_norm', new BatchNorm({ channels: f7Channels })) : null;
    this.f1Norm = this.addModule('f1_norm', new BatchNorm({ channels: nRkhs }));
  }

  private get expectation(): ImageInputExpectation {
    const { inputSize, inChannels } = this.options;
    return {
      owner: `AmdimEncoder (inputSize ${inputSize}, inChannels ${inChannels})`,
      size: inputSize,
      channels: inChannels,
      sizeFix:
        `zero-pad or resize the images to ${inputSize}x${inputSize} (28x28 Fashion-MNIST: pad 2 pixels on each side ` +
        `to 32x32), or build the encoder with the inputSize of your images (32, 64 or 128)`,
    };
  }

  apply(x: tf.Tensor, options: ApplyOptions): FeatureSet {
    assertImageInput(x, this.expectation);
    return tf.tidy(() => {
      const features: FeatureSet = {};
      let h = x as tf.Tensor4D;
      for (const { module, tap } of this.layers) {
        h = module instanceof AmdimStem ? module.apply(h) : module.apply(h, options);
        if (tap === 'f7' && this.f7Norm) h = this.f7Norm.apply(h, options) as tf.Tensor4D;
        if (tap) features[tap] = h;
      }
      features.f1 = this.f1Norm.apply(h, options);
      return features;
    });
  }

  featureShapes(inputShape: readonly number[]): FeatureShapes {
    assertImageShape(inputShape, this.expectation, false);
    const { inputSize, ndf, nRkhs } = this.options;
    const shapes: FeatureShapes = {};
    let size: number = inputSize;
    let channels = this.options.inChannels;
    for (const spec of AMDIM_LAYOUTS[inputSize]) {
      size = convOutputSize(size + 2 * (spec.kind === 'stem' ? (spec.reflectPadding ?? 0) : 0), spec.kernelSize, spec.stride);
      channels = spec.width === 'rkhs' ? nRkhs : spec.width * ndf;
      if (spec.tap) shapes[spec.tap] = [size, size, channels];
    }
    return { f1: [size, size, channels], f5: shapes.f5!, f7: shapes.f7! };
  }

  getConfig(): Record<string, unknown> {
    return { ...this.options };
  }
}
