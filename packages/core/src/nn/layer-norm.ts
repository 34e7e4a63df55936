import * as tf from '@tensorflow/tfjs';
import { detached } from '../tensor/stop-gradient';
import { Module } from './module';

export interface LayerNormOptions {
  channels: number;
  epsilon?: number;
  affine?: boolean;
}

/** Normalises each position over its last axis (channels); same in training and inference. */
export class LayerNorm extends Module {
  readonly gamma: tf.Variable | null;
  readonly beta: tf.Variable | null;

  constructor(readonly options: LayerNormOptions) {
    super();
    const affine = options.affine ?? true;
    this.gamma = affine ? this.addVariable('gamma', tf.ones([options.channels])) : null;
    this.beta = affine ? this.addVariable('beta', tf.zeros([options.channels])) : null;
  }

  apply(x: tf.Tensor): tf.Tensor {
    if (x.shape[x.rank - 1] !== this.options.channels) {
      throw new Error(
        `LayerNorm expects ${this.options.channels} channels on the last axis, got shape [${x.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => layerNorm(x, this.gamma, this.beta, this.options.epsilon ?? 1e-5));
  }
}

/**
 * Layer norm over the last axis (C channels) with the closed-form gradient
 *   dbeta = sum(dy), dgamma = sum(dy * xhat) over the leading axes,
 *   g = dy * gamma, dx = invStd / C * (C * g - sum_c(g) - xhat * sum_c(g * xhat))
 * instead of tfjs differentiating moments() op by op: ~12 backward kernels instead of ~30,
 * most of which broadcast a [..., 1] statistic along the last axis (slow on wasm).
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor | null, beta: tf.Tensor | null, epsilon: number): tf.Tensor {
  if ((gamma === null) !== (beta === null)) throw new Error('layerNorm: pass both gamma and beta, or neither');
  const channels = x.shape[x.rank - 1] ?? 1;
  const leading = [...Array(x.rank - 1).keys()];
  // The statistics are computed off the tape: the closed form accounts for how they depend on x.
  const mean = detached(() => tf.mean(x, -1, true));
  const variance = detached(() => tf.mean(tf.square(tf.sub(x, mean)), -1, true));
  // What the backward pass reads is saved from inside the forward: tensors made outside it are
  // gone (their tidy ended) by the time gradients are taken.
  const normalise = (input: tf.Tensor, save: tf.GradSaveFunc) => {
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(tf.sub(input, mean), invStd);
    save([xhat, invStd]);
    return xhat;
  };
  const inputGrad = (dy: tf.Tensor, xhat: tf.Tensor, invStd: tf.Tensor, g: tf.Tensor | null) => {
    const dxhat = g ? tf.mul(dy, g) : dy;
    const sum = tf.sum(dxhat, -1, true);
    const projection = tf.sum(tf.mul(dxhat, xhat), -1, true);
    const centered = tf.sub(tf.sub(tf.mul(dxhat, channels), sum), tf.mul(xhat, projection));
    return tf.mul(centered, tf.div(invStd, channels));
  };
  if (gamma && beta) {
    return tf.customGrad(((input: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => ({
      value: tf.add(tf.mul(normalise(input, save), g), b),
      gradFunc: (dy: tf.Tensor, [xhat, invStd]: tf.Tensor[]) => [
        inputGrad(dy, xhat!, invStd!, g),
        tf.sum(tf.mul(dy, xhat!), leading),
        tf.sum(dy, leading),
      ],
    })) as unknown as Parameters<typeof tf.customGrad>[0])(x, gamma, beta);
  }
  return tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => ({
    value: normalise(input, save),
    gradFunc: (dy: tf.Tensor, [xhat, invStd]: tf.Tensor[]) => [inputGrad(dy, xhat!, invStd!, null)],
  })) as unknown as Parameters<typeof tf.customGrad>[0])(x);
}
