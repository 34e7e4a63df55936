import * as tf from '@tensorflow/tfjs';
import { assertShape, Module, ShapeError, type ApplyOptions, type Encoder, type FeatureSet, type FeatureShapes, type Rng } from '@infomax/core';
import { Conv1d } from '../layers/conv1d';
import { convOutputSize } from '../validation/conv-arithmetic';
import { withDefaults } from '../util/with-defaults';

export interface StridedConvSpec {
  kernelSize: number;
  stride: number;
  padding: number;
}

/** CPC's audio encoder (van den Oord et al. 2018): 160x down-sampling, 20480 samples -> 128 frames. */
export const CPC_STRIDED_LAYERS: readonly StridedConvSpec[] = [
  { kernelSize: 10, stride: 5, padding: 3 },
  { kernelSize: 8, stride: 4, padding: 2 },
  { kernelSize: 4, stride: 2, padding: 1 },
  { kernelSize: 4, stride: 2, padding: 1 },
  { kernelSize: 4, stride: 2, padding: 1 },
];

export interface CpcStridedEncoder1dOptions {
  /** Filters of every conv, and so the frame width (512 in the paper). */
  channels?: number;
  inChannels?: number;
  layers?: readonly StridedConvSpec[];
}

export type ResolvedCpcStridedEncoder1dOptions = Required<CpcStridedEncoder1dOptions>;

export const CPC_STRIDED_ENCODER_1D_DEFAULTS: ResolvedCpcStridedEncoder1dOptions = {
  channels: 512,
  inChannels: 1,
  layers: CPC_STRIDED_LAYERS,
};

/**
 * Strided 1-D conv stack over raw sequences [B, T, inChannels] -> `frames` [B, T', channels],
 * each conv (with bias) followed by ReLU, no normalisation.
 */
export class CpcStridedEncoder1d extends Module implements Encoder {
  /** No batch norm: stacked groups change nothing. */
  readonly supportsStatisticsGroups = true;
  readonly options: ResolvedCpcStridedEncoder1dOptions;
  private readonly convs: Conv1d[] = [];

  constructor(options: CpcStridedEncoder1dOptions, rng: Rng) {
    super();
    this.options = withDefaults(CPC_STRIDED_ENCODER_1D_DEFAULTS, options);
    const { channels, inChannels, layers } = this.options;
    if (layers.length === 0) throw new Error('CpcStridedEncoder1d: layers must list at least one conv');
    let c = inChannels;
    layers.forEach((spec, i) => {
      this.convs.push(
        this.addModule(
          `conv${i}`,
          new Conv1d(
            { inChannels: c, filters: channels, kernelSize: spec.kernelSize, strides: spec.stride, padding: spec.padding },
            rng.fork(`conv${i}`),
          ),
        ),
      );
      c = channels;
    });
  }

  /** Number of frames for a sequence of `length` samples. */
  frameCount(length: number): number {
    return this.options.layers.reduce((n, s) => convOutputSize(n, s.kernelSize, s.stride, s.padding), length);
  }

  /** Total down-sampling factor (product of the strides): 160 for the paper's layers. */
  get downsampling(): number {
    return this.options.layers.reduce((f, s) => f * s.stride, 1);
  }

  private checkLength(length: number, shape: readonly number[]): void {
    if (this.frameCount(length) < 1) {
      throw new ShapeError(
        `CpcStridedEncoder1d needs sequences of at least ${this.downsampling} samples to produce a frame, got [${shape.join(', ')}]`,
      );
    }
  }

  apply(x: tf.Tensor, _options: ApplyOptions): FeatureSet {
    assertShape(x, [null, null, this.options.inChannels], `CpcStridedEncoder1d input [B, T, ${this.options.inChannels}]`);
    this.checkLength(x.shape[1]!, x.shape);
    return tf.tidy(() => ({
      frames: this.convs.reduce<tf.Tensor3D>((h, conv) => tf.relu(conv.apply(h)), x as tf.Tensor3D),
    }));
  }

  featureShapes(inputShape: readonly number[]): FeatureShapes {
    const { inChannels, channels } = this.options;
    if (inputShape.length !== 2 || inputShape[1] !== inChannels) {
      throw new ShapeError(`CpcStridedEncoder1d expects an example shape [T, ${inChannels}], got [${inputShape.join(', ')}]`);
    }
    this.checkLength(inputShape[0]!, inputShape);
    return { frames: [this.frameCount(inputShape[0]!), channels] };
  }

  getConfig(): Record<string, unknown> {
    return { ...this.options, layers: this.options.layers.map((l) => ({ ...l })) };
  }
}
