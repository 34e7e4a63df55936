import * as tf from '@tensorflow/tfjs';
import { assertShape, Conv2d, Module, type ApplyOptions, type Critic, type CriticOutput, type Rng } from '@infomax/core';
import { applyPointwise } from './layout/pointwise';
import { locationLayout } from './layout/location-layout';
import { sameImageBlockMask } from '@infomax/core';

export interface ConcatConvCriticOptions {
  /** Channels of the global vector Y. */
  globalChannels: number;
  /** Channels of the local feature map. */
  localChannels: number;
  /** Width of the two hidden 1x1 convs (DIM: 512). */
  hiddenUnits?: number;
}

/**
 * DIM's local "concat-and-convolve" discriminator: Y tiled over the map, concatenated to every
 * local vector (map channels first, then Y), then 1x1 conv -> ReLU -> 1x1 conv -> ReLU -> 1x1
 * conv to one score per location.
 *
 * Scores every Y_i against every location of every image: [B, B*L], same-image block mask
 * (see `sameImageBlockMask`). The first conv of a concatenation is W_c c + W_y y + b, so both
 * halves are computed once ([B*L] and [B] rows) and broadcast-added; the B*B*L concatenations
 * are never built. The two later layers do run on all B*B*L pairs: that is the price of a
 * non-separable critic, and why the dot-product critic scales better.
 */
export class ConcatConvCritic extends Module implements Critic {
  readonly first: Conv2d;
  readonly second: Conv2d;
  readonly output: Conv2d;

  constructor(
    readonly options: ConcatConvCriticOptions,
    rng: Rng,
  ) {
    super();
    const { globalChannels, localChannels } = options;
    const hidden = options.hiddenUnits ?? 512;
    for (const [name, value] of Object.entries({ globalChannels, localChannels, hiddenUnits: hidden })) {
      if (!Number.isInteger(value) || value <= 0) {
        throw new Error(`ConcatConvCritic: ${name} must be a positive integer, got ${String(value)}`);
      }
    }
    this.first = this.addModule(
      'first',
      new Conv2d({ inChannels: localChannels + globalChannels, filters: hidden, kernelSize: 1 }, rng.fork('first')),
    );
    this.second = this.addModule('second', new Conv2d({ inChannels: hidden, filters: hidden, kernelSize: 1 }, rng.fork('second')));
    this.output = this.addModule('output', new Conv2d({ inChannels: hidden, filters: 1, kernelSize: 1 }, rng.fork('output')));
  }

  /** globals Y [B, Dy], locals [B, H, W, Dc] or [B, L, Dc] ([B, Dc] is one location) -> scores [B, B*L]. */
  score(globals: tf.Tensor, locals: tf.Tensor, _options?: ApplyOptions): CriticOutput {
    const { globalChannels: Dy, localChannels: Dc } = this.options;
    const bindings = assertShape(globals, ['B', Dy], 'ConcatConvCritic globals');
    const { locations: L } = locationLayout(locals, 'ConcatConvCritic locals', Dc);
    assertShape(locals, ['B', ...Array(locals.rank - 1).fill(null)], 'ConcatConvCritic locals', bindings);
    const B = globals.shape[0]!;
    return tf.tidy(() => {
      const kernel = tf.reshape(this.first.kernel, [Dc + Dy, -1]);
      const localPart = tf.matMul(tf.reshape(locals, [B * L, Dc]) as tf.Tensor2D, tf.slice(kernel, [0, 0], [Dc, -1]) as tf.Tensor2D);
      const globalPart = tf.matMul(globals as tf.Tensor2D, tf.slice(kernel, [Dc, 0], [Dy, -1]) as tf.Tensor2D);
      let hidden = tf.add(tf.expandDims(globalPart, 1), tf.expandDims(localPart, 0)); // [B, B*L, H]
      if (this.first.bias) hidden = tf.add(hidden, this.first.bias);
      hidden = tf.relu(hidden);
      hidden = tf.relu(applyPointwise(this.second, hidden, 'ConcatConvCritic hidden'));
      const scores = tf.reshape(applyPointwise(this.output, hidden, 'ConcatConvCritic hidden'), [B, B * L]);
      return { scores, positiveMask: sameImageBlockMask(B, L) };
    });
  }

  getConfig(): Record<string, unknown> {
    return { hiddenUnits: 512, ...this.options };
  }
}
