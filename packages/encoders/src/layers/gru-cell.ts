import * as tf from '@tensorflow/tfjs';
import { initialize, Module, type Rng } from '@infomax/core';

export interface GruCellOptions {
  inputSize: number;
  hiddenSize: number;
}

/**
 * One GRU cell in PyTorch's formulation (gate order r, z, n; separate input and recurrent biases,
 * so the reset gate multiplies W_hn h + b_hn):
 *   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr),  z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h' = (1 - z) * n + z * h.
 * The three gates are fused: one [in, 3H] and one [H, 3H] matrix, so a sequence costs one large
 * input matMul for all steps plus one small recurrent matMul per step.
 */
export class GruCell extends Module {
  readonly inputKernel: tf.Variable;
  readonly recurrentKernel: tf.Variable;
  readonly inputBias: tf.Variable;
  readonly recurrentBias: tf.Variable;

  constructor(
    readonly options: GruCellOptions,
    rng: Rng,
  ) {
    super();
    const { inputSize, hiddenSize: h } = options;
    // PyTorch initialises every GRU weight and bias U(-1/sqrt(H), 1/sqrt(H)).
    const init = (name: string, shape: number[]) => initialize('fan-in-uniform', shape, h, h, rng.fork(name));
    this.inputKernel = this.addVariable('input_kernel', init('input_kernel', [inputSize, 3 * h]));
    this.recurrentKernel = this.addVariable('recurrent_kernel', init('recurrent_kernel', [h, 3 * h]));
    this.inputBias = this.addVariable('input_bias', init('input_bias', [3 * h]));
    this.recurrentBias = this.addVariable('recurrent_bias', init('recurrent_bias', [3 * h]));
  }

  /** Input projections W_i x + b_i of a whole batch of inputs [N, in] -> [N, 3H]. */
  projectInputs(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(x, this.inputKernel as tf.Tensor2D), this.inputBias) as tf.Tensor2D);
  }

  /** One step from precomputed input projections [B, 3H] and the previous state [B, H]. */
  step(projected: tf.Tensor2D, state: tf.Tensor2D): tf.Tensor2D {
    const h = this.options.hiddenSize;
    return tf.tidy(() => {
      const recurrent = tf.add(tf.matMul(state, this.recurrentKernel as tf.Tensor2D), this.recurrentBias) as tf.Tensor2D;
      const [xRz, xN] = tf.split(projected, [2 * h, h], 1) as [tf.Tensor2D, tf.Tensor2D];
      const [hRz, hN] = tf.split(recurrent, [2 * h, h], 1) as [tf.Tensor2D, tf.Tensor2D];
      const [r, z] = tf.split(tf.sigmoid(tf.add(xRz, hRz)), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const n = tf.tanh(tf.add(xN, tf.mul(r, hN)));
      // (1 - z) n + z h, written with one multiply.
      return tf.add(n, tf.mul(z, tf.sub(state, n))) as tf.Tensor2D;
    });
  }
}
