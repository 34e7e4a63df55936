import * as tf from '@tensorflow/tfjs';
import {
  BatchNorm,
  Conv2d,
  Dense,
  Module,
  type ApplyOptions,
  type Encoder,
  type FeatureSet,
  type FeatureShapes,
  type Rng,
} from '@infomax/core';
import { convOutputSize } from '../validation/conv-arithmetic';
import { assertImageInput, assertImageShape, type ImageInputExpectation } from '../validation/image-input';
import { withDefaults } from '../util/with-defaults';
import { DIM_INPUT_SIZES, DIM_LAYOUTS, type DimInputSize } from './dim-layouts';

export interface DimConvEncoderOptions {
  inputSize?: DimInputSize;
  inChannels?: number;
  /** Width of Y, the global representation. */
  yDim?: number;
  /** Filters of the three convs. */
  widths?: readonly [number, number, number];
  /** Units of the hidden FC layer. */
  fcUnits?: number;
}

export type ResolvedDimConvEncoderOptions = Required<DimConvEncoderOptions>;

export const DIM_CONV_ENCODER_DEFAULTS: ResolvedDimConvEncoderOptions = {
  inputSize: 32,
  inChannels: 3,
  yDim: 64,
  widths: [64, 128, 256],
  fcUnits: 1024,
};

/**
 * Deep InfoMax's "basic" conv encoder (Hjelm et al. 2019): three convs without bias, each
 * followed by batch norm and ReLU; flatten; FC (no bias: batch norm follows) + BN + ReLU; FC to Y.
 * Yields `global` [B, yDim] (Y), `local` [B, M, M, widths[1]] (the second conv's map, M = 8 for
 * 32x32 and 7 for 28x28), and for probes `conv` [B, 4, 4, widths[2]] and `fc` [B, fcUnits].
 */
export class DimConvEncoder extends Module implements Encoder {
  /** Every batch norm it runs takes the caller's `statisticsGroups`. */
  readonly supportsStatisticsGroups = true;
  readonly options: ResolvedDimConvEncoderOptions;
  private readonly convs: Conv2d[] = [];
  private readonly convNorms: BatchNorm[] = [];
  private readonly fc: Dense;
  private readonly fcNorm: BatchNorm;
  private readonly head: Dense;
  private readonly flatUnits: number;

  constructor(options: DimConvEncoderOptions, rng: Rng) {
    super();
    this.options = withDefaults(DIM_CONV_ENCODER_DEFAULTS, options);
    const { inputSize, inChannels, yDim, widths, fcUnits } = this.options;
    if (!DIM_INPUT_SIZES.includes(inputSize)) {
      throw new Error(`DimConvEncoder: inputSize must be one of ${DIM_INPUT_SIZES.join(', ')}, got ${String(inputSize)}`);
    }
    if (widths.length !== 3) throw new Error(`DimConvEncoder: widths must list 3 conv widths, got ${widths.length}`);
    const checks: [string, number][] = [
      ['inChannels', inChannels],
      ['yDim', yDim],
      ['fcUnits', fcUnits],
      ...widths.map((w, i): [string, number] => [`widths[${i}]`, w]),
    ];
    for (const [name, value] of checks) {
      if (!Number.isInteger(value) || value < 1) {
        throw new Error(`DimConvEncoder: ${name} must be a positive integer, got ${String(value)}`);
      }
    }

    let channels = inChannels;
    let size: number = inputSize;
    DIM_LAYOUTS[inputSize].forEach((spec, i) => {
      const filters = widths[i]!;
      this.convs.push(
        this.addModule(
          `conv${i}`,
          new Conv2d(
            { inChannels: channels, filters, kernelSize: spec.kernelSize, strides: spec.stride, padding: spec.padding, useBias: false },
            rng.fork(`conv${i}`),
          ),
        ),
      );
      this.convNorms.push(this.addModule(`conv${i}_norm`, new BatchNorm({ channels: filters })));
      channels = filters;
      size = convOutputSize(size, spec.kernelSize, spec.stride, spec.padding);
    });
    this.flatUnits = size * size * channels;
    this.fc = this.addModule('fc', new Dense({ inUnits: this.flatUnits, units: fcUnits, useBias: false }, rng.fork('fc')));
    this.fcNorm = this.addModule('fc_norm', new BatchNorm({ channels: fcUnits }));
    this.head = this.addModule('y', new Dense({ inUnits: fcUnits, units: yDim }, rng.fork('y')));
  }

  private get expectation(): ImageInputExpectation {
    const { inputSize, inChannels } = this.options;
    return {
      owner: `DimConvEncoder (inputSize ${inputSize}, inChannels ${inChannels})`,
      size: inputSize,
      channels: inChannels,
      sizeFix: `build the encoder with inputSize ${inputSize === 32 ? 28 : 32} if that is your image size (28 and 32 are supported), or resize the images`,
    };
  }

  apply(x: tf.Tensor, options: ApplyOptions): FeatureSet {
    assertImageInput(x, this.expectation);
    return tf.tidy(() => {
      const maps: tf.Tensor4D[] = [];
      let h = x as tf.Tensor4D;
      this.convs.forEach((conv, i) => {
        h = tf.relu(this.convNorms[i]!.apply(conv.apply(h), options)) as tf.Tensor4D;
        maps.push(h);
      });
      const flat = tf.reshape(h, [-1, this.flatUnits]);
      const fc = tf.relu(this.fcNorm.apply(this.fc.apply(flat), options));
      return { global: this.head.apply(fc), local: maps[1]!, conv: maps[2]!, fc };
    });
  }

  featureShapes(inputShape: readonly number[]): FeatureShapes {
    assertImageShape(inputShape, this.expectation, false);
    const { inputSize, widths, yDim, fcUnits } = this.options;
    const sizes: number[] = [];
    let size: number = inputSize;
    for (const spec of DIM_LAYOUTS[inputSize]) {
      size = convOutputSize(size, spec.kernelSize, spec.stride, spec.padding);
      sizes.push(size);
    }
    return {
      global: [yDim],
      local: [sizes[1]!, sizes[1]!, widths[1]],
      conv: [sizes[2]!, sizes[2]!, widths[2]],
      fc: [fcUnits],
    };
  }

  getConfig(): Record<string, unknown> {
    return { ...this.options, widths: [...this.options.widths] };
  }
}
