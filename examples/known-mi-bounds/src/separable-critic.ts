import * as tf from '@tensorflow/tfjs';
import { Dense, Module, type Rng } from '@infomax/core';

export interface SeparableCriticOptions {
  dims: number;
  hidden: number;
  embedding: number;
}

/**
 * score(x_i, y_j) = g(x_i) . h(y_j), g and h two-layer ReLU MLPs. Separable critics score all
 * B x B pairs with two forward passes of B rows and one matMul, and can represent the
 * quadratic log density ratio of Gaussians (with constants carried by the biases).
 */
export class SeparableCritic extends Module {
  private readonly g: [Dense, Dense];
  private readonly h: [Dense, Dense];

  constructor(options: SeparableCriticOptions, rng: Rng) {
    super();
    const { dims, hidden, embedding } = options;
    this.g = [
      this.addModule('g1', new Dense({ inUnits: dims, units: hidden }, rng.fork('g1'))),
      this.addModule('g2', new Dense({ inUnits: hidden, units: embedding }, rng.fork('g2'))),
    ];
    this.h = [
      this.addModule('h1', new Dense({ inUnits: dims, units: hidden }, rng.fork('h1'))),
      this.addModule('h2', new Dense({ inUnits: hidden, units: embedding }, rng.fork('h2'))),
    ];
  }

  /** x, y [B, dims] -> scores [B, B], row i = x_i against every y_j. */
  score(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const u = this.g[1].apply(tf.relu(this.g[0].apply(x))) as tf.Tensor2D;
      const v = this.h[1].apply(tf.relu(this.h[0].apply(y))) as tf.Tensor2D;
      return tf.matMul(u, v, false, true);
    });
  }
}
