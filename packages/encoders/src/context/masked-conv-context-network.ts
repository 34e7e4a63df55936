import * as tf from '@tensorflow/tfjs';
import { assertShape, Conv2d, Module, type ApplyOptions, type ContextNetwork, type Rng } from '@infomax/core';
import { RowCausalConv2d } from '../layers/row-causal-conv2d';
import { withDefaults } from '../util/with-defaults';

export interface MaskedConvContextNetworkOptions {
  /** Width D of the patch vectors it reads. */
  inputDim?: number;
  /** Width C of the contexts. */
  channels?: number;
  /** Residual blocks, each with one masked k x k conv; the receptive field grows k/2 rows each. */
  blocks?: number;
  /** Odd size of the masked convs. */
  kernelSize?: number;
}

export type ResolvedMaskedConvContextNetworkOptions = Required<MaskedConvContextNetworkOptions>;

export const MASKED_CONV_CONTEXT_NETWORK_DEFAULTS: ResolvedMaskedConvContextNetworkOptions = {
  inputDim: 64,
  channels: 64,
  blocks: 2,
  kernelSize: 3,
};

/**
 * CPC's image context network (PixelCNN-style): patch grid [B, gh, gw, D] -> contexts
 * [B, gh, gw, C] where row i sees only rows <= i of the grid, so contexts of row i can predict
 * the patches of rows below. A 1x1 conv projects D to C, then residual blocks
 * x + 1x1(ReLU(masked k x k(ReLU(x)))). 1x1 convs mix channels at one position, so they keep
 * the row order; only the masked convs look at other positions.
 */
export class MaskedConvContextNetwork extends Module implements ContextNetwork {
  readonly options: ResolvedMaskedConvContextNetworkOptions;
  private readonly input: Conv2d;
  private readonly masked: RowCausalConv2d[] = [];
  private readonly mixes: Conv2d[] = [];

  constructor(options: MaskedConvContextNetworkOptions, rng: Rng) {
    super();
    this.options = withDefaults(MASKED_CONV_CONTEXT_NETWORK_DEFAULTS, options);
    const { inputDim, channels, blocks, kernelSize } = this.options;
    for (const [name, value] of [['inputDim', inputDim], ['channels', channels], ['kernelSize', kernelSize]] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new Error(`MaskedConvContextNetwork: ${name} must be a positive integer, got ${String(value)}`);
      }
    }
    if (!Number.isInteger(blocks) || blocks < 0) {
      throw new Error(`MaskedConvContextNetwork: blocks must be a non-negative integer, got ${String(blocks)}`);
    }
    this.input = this.addModule('input', new Conv2d({ inChannels: inputDim, filters: channels, kernelSize: 1 }, rng.fork('input')));
    for (let i = 0; i < blocks; i++) {
      this.masked.push(
        this.addModule(`block${i}/masked`, new RowCausalConv2d({ inChannels: channels, filters: channels, kernelSize }, rng.fork(`block${i}/masked`))),
      );
      this.mixes.push(
        this.addModule(`block${i}/mix`, new Conv2d({ inChannels: channels, filters: channels, kernelSize: 1 }, rng.fork(`block${i}/mix`))),
      );
    }
  }

  apply(z: tf.Tensor, _options: ApplyOptions): tf.Tensor4D {
    assertShape(z, [null, null, null, this.options.inputDim], `MaskedConvContextNetwork input grid [B, gh, gw, ${this.options.inputDim}]`);
    return tf.tidy(() => {
      let h = this.input.apply(z);
      this.masked.forEach((masked, i) => {
        h = tf.add(h, this.mixes[i]!.apply(tf.relu(masked.apply(tf.relu(h)))));
      });
      return h;
    });
  }

  getConfig(): Record<string, unknown> {
    return { ...this.options };
  }
}
