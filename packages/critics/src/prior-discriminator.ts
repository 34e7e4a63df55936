import * as tf from '@tensorflow/tfjs';
import { assertShape, Dense, Module, type Critic, type CriticOutput, type Rng } from '@infomax/core';
import { gradientPenalty } from './gradient-penalty';

export interface PriorDiscriminatorOptions {
  /** Size of Y (DIM: 64); the prior is uniform on [0, 1]^inUnits. */
  inUnits?: number;
  /** Widths of the two hidden layers (DIM: 1000, 200). */
  hiddenUnits?: [number, number];
}

/**
 * DIM's prior-matching discriminator: FC 1000 -> ReLU -> FC 200 -> ReLU -> FC 1 on sigmoid(Y) or
 * on samples of the prior (uniform on [0, 1]^D). Not a pairwise critic: `discriminate` gives one
 * logit per sample. The adversarial game is the objective's business; this class gives it the
 * parts: logits, prior samples, and the gradient penalty.
 *
 * `score(priorSamples, encoded)` also fulfils the Critic contract, as a single row [1, B1 + B2]
 * whose positives are the prior samples: the JSD bound's loss on it, softplus(-s) over the prior
 * samples plus softplus(s) over the encodings, is exactly the discriminator's GAN loss.
 */
export class PriorDiscriminator extends Module implements Critic {
  readonly inUnits: number;
  readonly fc1: Dense;
  readonly fc2: Dense;
  readonly fc3: Dense;

  constructor(
    readonly options: PriorDiscriminatorOptions,
    rng: Rng,
  ) {
    super();
    this.inUnits = options.inUnits ?? 64;
    const [h1, h2] = options.hiddenUnits ?? [1000, 200];
    for (const [name, value] of Object.entries({ inUnits: this.inUnits, hiddenUnits1: h1, hiddenUnits2: h2 })) {
      if (!Number.isInteger(value) || value <= 0) {
        throw new Error(`PriorDiscriminator: ${name} must be a positive integer, got ${String(value)}`);
      }
    }
    this.fc1 = this.addModule('fc1', new Dense({ inUnits: this.inUnits, units: h1 }, rng.fork('fc1')));
    this.fc2 = this.addModule('fc2', new Dense({ inUnits: h1, units: h2 }, rng.fork('fc2')));
    this.fc3 = this.addModule('fc3', new Dense({ inUnits: h2, units: 1 }, rng.fork('fc3')));
  }

  /** x [B, D] -> logits [B] (high = "looks like a prior sample"). */
  discriminate(x: tf.Tensor): tf.Tensor1D {
    assertShape(x, [null, this.inUnits], 'PriorDiscriminator input');
    return tf.tidy(() => {
      const h = tf.relu(this.fc2.apply(tf.relu(this.fc1.apply(x))));
      return tf.reshape(this.fc3.apply(h), [x.shape[0]!]) as tf.Tensor1D;
    });
  }

  /** mean_b ||dD(x_b)/dx_b||^2; call inside the discriminator's loss (see `gradientPenalty`). */
  gradientPenalty(x: tf.Tensor): tf.Scalar {
    return gradientPenalty((input) => this.discriminate(input), x);
  }

  /** A batch [batch, D] from the prior, uniform on [0, 1)^D, drawn from `rng`. */
  samplePrior(batch: number, rng: Rng): tf.Tensor2D {
    if (!Number.isInteger(batch) || batch <= 0) {
      throw new Error(`PriorDiscriminator.samplePrior: batch must be a positive integer, got ${batch}`);
    }
    return tf.tensor2d(rng.uniformArray(batch * this.inUnits, 0, 1), [batch, this.inUnits]);
  }

  /** priorSamples [B1, D], encoded (sigmoid(Y)) [B2, D] -> scores [1, B1 + B2], prior samples positive. */
  score(priorSamples: tf.Tensor, encoded: tf.Tensor): CriticOutput {
    assertShape(priorSamples, [null, this.inUnits], 'PriorDiscriminator prior samples');
    assertShape(encoded, [null, this.inUnits], 'PriorDiscriminator encoded');
    const b1 = priorSamples.shape[0]!;
    const b2 = encoded.shape[0]!;
    return tf.tidy(() => {
      const logits = this.discriminate(tf.concat([priorSamples, encoded], 0));
      return {
        scores: tf.reshape(logits, [1, b1 + b2]),
        positiveMask: tf.concat([tf.ones([1, b1]), tf.zeros([1, b2])], 1),
      };
    });
  }

  getConfig(): Record<string, unknown> {
    return { inUnits: this.inUnits, hiddenUnits: [this.fc1.options.units, this.fc2.options.units] };
  }
}
