import * as tf from '@tensorflow/tfjs';
import { assertShape, Module, type ApplyOptions, type ContextNetwork, type Rng } from '@infomax/core';
import { GruCell } from '../layers/gru-cell';
import { gruSequence } from '../layers/gru-sequence';
import { withDefaults } from '../util/with-defaults';

export interface GruContextNetworkOptions {
  /** Width D of the frames it reads. */
  inputDim?: number;
  /** Width H of the contexts (256 in the CPC paper). */
  hiddenSize?: number;
}

export type ResolvedGruContextNetworkOptions = Required<GruContextNetworkOptions>;

export const GRU_CONTEXT_NETWORK_DEFAULTS: ResolvedGruContextNetworkOptions = { inputDim: 512, hiddenSize: 256 };

/**
 * CPC's autoregressive model: a one-layer GRU from a zero state over `frames` [B, T, D], returning
 * every state as contexts [B, T, H]; context t has read frames 0..t only. The input projections of
 * all T steps are one matMul; the loop then does one fused [H, 3H] matMul per step.
 */
export class GruContextNetwork extends Module implements ContextNetwork {
  readonly options: ResolvedGruContextNetworkOptions;
  readonly cell: GruCell;

  constructor(options: GruContextNetworkOptions, rng: Rng) {
    super();
    this.options = withDefaults(GRU_CONTEXT_NETWORK_DEFAULTS, options);
    const { inputDim, hiddenSize } = this.options;
    for (const [name, value] of [['inputDim', inputDim], ['hiddenSize', hiddenSize]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`GruContextNetwork: ${name} must be a positive integer, got ${String(value)}`);
    }
    this.cell = this.addModule('gru', new GruCell({ inputSize: inputDim, hiddenSize }, rng.fork('gru')));
  }

  apply(z: tf.Tensor, _options: ApplyOptions): tf.Tensor3D {
    assertShape(z, [null, null, this.options.inputDim], `GruContextNetwork input frames [B, T, ${this.options.inputDim}]`);
    const [b, t] = z.shape as [number, number, number];
    const h = this.options.hiddenSize;
    return tf.tidy(() => {
      const projected = tf.reshape(this.cell.projectInputs(tf.reshape(z, [b * t, -1]) as tf.Tensor2D), [b, t, 3 * h]);
      // One op over the whole sequence, with a hand-written backward pass through time.
      return gruSequence(
        projected as tf.Tensor3D,
        this.cell.recurrentKernel as tf.Tensor2D,
        this.cell.recurrentBias as tf.Tensor1D,
      );
    });
  }

  getConfig(): Record<string, unknown> {
    return { ...this.options };
  }
}
