import * as tf from '@tensorflow/tfjs';
import {
  assertShape,
  Dense,
  Module,
  ShapeError,
  type ApplyOptions,
  type CriticOutput,
  type Rng,
  type SeparableCritic,
} from '@infomax/core';

export interface CosineCriticOptions {
  /** Channels of the antecedent features (AMDIM: f1's nRkhs). */
  antecedentChannels: number;
  /** Channels of the consequent features (AMDIM: f5's or f7's width). */
  consequentChannels: number;
  /** Size D of the projected embeddings. */
  units: number;
  /** Temperature tau at initialisation: scores are cos / tau. */
  initialTemperature: number;
  /** Learn tau (as log(1 / tau)) with the rest of the model, or keep it fixed. */
  learnTemperature: boolean;
  /** Upper limit of 1 / tau, so the scale cannot run away (CLIP uses 100). */
  maxScale: number;
}

/**
 * score(x, y) = cos(P_a x, P_c y) / tau: a linear projection per side, cosine similarity, and a
 * learned temperature.
 *
 * Written to the `SeparableCritic` contract so AMDIM can use it: AMDIM embeds every side once,
 * picks its random 5x5 source locations from the embeddings, and scores them itself as
 * u . v / sqrt(D) (it never calls `scoreEmbeddings`). So everything this critic learns has to
 * live in the embeddings: each side is L2-normalised and multiplied by sqrt(scale) * D^(1/4),
 * which makes u . v / sqrt(D) = scale * cos exactly, and `scoreEmbeddings` computes the same
 * u . v / sqrt(D) for anyone who does call it.
 */
export class CosineCritic extends Module implements SeparableCritic {
  private readonly antecedent: Dense;
  private readonly consequent: Dense;
  /** log(1 / tau). */
  readonly logScale: tf.Variable;
  /**
   * Each example is embedded on its own (no batch statistics), so a batch of several stacked
   * groups (AMDIM's two views) embeds exactly as the groups would one by one.
   */
  readonly supportsStatisticsGroups = true;

  constructor(
    readonly options: CosineCriticOptions,
    rng: Rng,
  ) {
    super();
    const { antecedentChannels, consequentChannels, units, initialTemperature, maxScale } = options;
    if (!(initialTemperature > 0 && 1 / initialTemperature <= maxScale)) {
      throw new Error(`CosineCritic: initialTemperature must be in [1 / maxScale, inf) = [${1 / maxScale}, inf), got ${initialTemperature}`);
    }
    this.antecedent = this.addModule('antecedent', new Dense({ inUnits: antecedentChannels, units, useBias: false }, rng.fork('antecedent')));
    this.consequent = this.addModule('consequent', new Dense({ inUnits: consequentChannels, units, useBias: false }, rng.fork('consequent')));
    this.logScale = this.addVariable('log_scale', tf.scalar(Math.log(1 / initialTemperature)), options.learnTemperature);
  }

  /** The current temperature tau (reads one number back: not for a hot path). */
  temperature(): number {
    return tf.tidy(() => 1 / this.scale().dataSync()[0]!);
  }

  embedAntecedents(x: tf.Tensor, _options?: ApplyOptions): tf.Tensor {
    return this.embed(this.antecedent, x, 'antecedents');
  }

  embedConsequents(x: tf.Tensor, _options?: ApplyOptions): tf.Tensor {
    return this.embed(this.consequent, x, 'consequents');
  }

  /**
   * Every antecedent location of every image against every consequent location of every image:
   * [B, D] | [B, L, D] | [B, H, W, D] on each side give scores [B*La, B*Lc] and the "same image"
   * block mask as positives (for [B, D] vs [B, D]: [B, B] with a diagonal mask).
   */
  scoreEmbeddings(antecedents: tf.Tensor, consequents: tf.Tensor): CriticOutput {
    const a = locations(antecedents, 'antecedents');
    const c = locations(consequents, 'consequents');
    if (a.batch !== c.batch || a.depth !== c.depth) {
      throw new ShapeError(
        `CosineCritic: antecedents [${antecedents.shape.join(', ')}] and consequents [${consequents.shape.join(', ')}] ` +
          'must share the batch size (first axis) and the embedding size (last axis)',
      );
    }
    return tf.tidy(() => {
      const u = tf.reshape(antecedents, [a.batch * a.count, a.depth]) as tf.Tensor2D;
      const v = tf.reshape(consequents, [c.batch * c.count, c.depth]) as tf.Tensor2D;
      const scores = tf.div(tf.matMul(u, v, false, true), Math.sqrt(a.depth));
      const rowImage = imageIndex(a.batch, a.count);
      const columnImage = imageIndex(c.batch, c.count);
      const positiveMask = tf.cast(tf.equal(tf.expandDims(rowImage, 1), tf.expandDims(columnImage, 0)), 'float32');
      return { scores, positiveMask };
    });
  }

  score(antecedents: tf.Tensor, consequents: tf.Tensor, options: ApplyOptions): CriticOutput {
    return tf.tidy(() => this.scoreEmbeddings(this.embedAntecedents(antecedents, options), this.embedConsequents(consequents, options)));
  }

  getConfig(): Record<string, unknown> {
    return { name: 'cosine', ...this.options };
  }

  private scale(): tf.Scalar {
    return tf.exp(tf.minimum(this.logScale, Math.log(this.options.maxScale))) as tf.Scalar;
  }

  private embed(projection: Dense, x: tf.Tensor, label: string): tf.Tensor {
    locations(x, `CosineCritic ${label}`, projection.options.inUnits);
    return tf.tidy(() => {
      const projected = projection.apply(x);
      // Clamped before the square root: an all-zero feature (a dead ReLU map) embeds to zero
      // instead of NaN, in the forward pass and in the gradient.
      const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(projected), -1, true), 1e-12));
      const factor = tf.mul(tf.sqrt(this.scale()), Math.pow(this.options.units, 0.25));
      return tf.mul(tf.div(projected, norm), factor);
    });
  }
}

/** Batch, locations per image and depth of a [B, D] / [B, L, D] / [B, H, W, D] tensor. */
function locations(x: tf.Tensor, label: string, depth?: number): { batch: number; count: number; depth: number } {
  if (x.rank < 2 || x.rank > 4) {
    throw new ShapeError(`${label} must be [B, D], [B, L, D] or [B, H, W, D], got [${x.shape.join(', ')}]`);
  }
  if (depth !== undefined) assertShape(x, [...Array<null>(x.rank - 1).fill(null), depth], label);
  const shape = x.shape;
  const count = shape.slice(1, -1).reduce((n, d) => n * d, 1);
  return { batch: shape[0]!, count, depth: shape[shape.length - 1]! };
}

/** [n * perImage]: the image each flattened location belongs to. */
function imageIndex(n: number, perImage: number): tf.Tensor1D {
  return tf.tensor1d(Int32Array.from({ length: n * perImage }, (_, i) => Math.floor(i / perImage)), 'int32');
}
