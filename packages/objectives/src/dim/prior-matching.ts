import * as tf from '@tensorflow/tfjs';
import { assertShape, Module, stopGradient, type Discriminator, type OptimizerGroup, type Rng } from '@infomax/core';

/** The auxiliary input the DIM objective hands to its prior group: detached sigmoid(Y). */
export const PRIOR_ENCODED = 'prior/encoded';

export interface PriorMatchingOptions {
  /** Size of Y; the prior is uniform on [0, 1]^dim. */
  dim: number;
  /** Adam learning rate of the discriminator (DIM: 1e-4). */
  learningRate?: number;
  /** Weight of the gradient penalty (DIM: 1). */
  gradientPenaltyWeight?: number;
}

/**
 * DIM's prior matching, the adversarial half: an optimizer group of its own that trains the
 * discriminator to tell prior samples (uniform on [0, 1]^D, drawn from the group's rng) from
 * sigmoid(Y), with a gradient penalty on both. The encoder's half, gamma · softplus(-D(sigmoid(Y))),
 * is `encoderLoss`, which the objective adds to its main loss.
 *
 * Not a child of the objective's module tree on purpose: the discriminator's variables must stay
 * out of the objective's `trainableVariables`, or the main step would train it to be fooled.
 */
export class PriorMatching extends Module implements OptimizerGroup {
  readonly name = 'prior';
  readonly learningRate: number;
  readonly gradientPenaltyWeight: number;
  readonly dim: number;

  constructor(
    readonly discriminator: Discriminator,
    options: PriorMatchingOptions,
  ) {
    super();
    this.dim = options.dim;
    this.learningRate = options.learningRate ?? 1e-4;
    this.gradientPenaltyWeight = options.gradientPenaltyWeight ?? 1;
    this.addModule('discriminator', discriminator);
  }

  get variables(): tf.Variable[] {
    return this.trainableVariables;
  }

  /** sigmoid(Y), detached, under the name the group's `loss` reads. */
  inputs(y: tf.Tensor): Record<string, tf.Tensor> {
    return { [PRIOR_ENCODED]: tf.tidy(() => stopGradient(tf.sigmoid(y))) };
  }

  /** The encoder's (non-saturating) adversarial loss: mean softplus(-D(sigmoid(Y))). */
  encoderLoss(y: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mean(tf.softplus(tf.neg(this.discriminator.discriminate(tf.sigmoid(y))))) as tf.Scalar);
  }

  /** A batch of prior samples, uniform on [0, 1)^D. */
  samplePrior(batch: number, rng: Rng): tf.Tensor2D {
    return tf.tensor2d(rng.uniformArray(batch * this.dim, 0, 1), [batch, this.dim]);
  }

  /**
   * The discriminator's GAN loss, softplus(-D(prior)) + softplus(D(encoded)) (maximising
   * log D(prior) + log(1 - D(encoded))), plus the gradient penalty on all its inputs.
   */
  loss(inputs: Record<string, tf.Tensor>, rng: Rng): { loss: tf.Scalar; metrics: Record<string, tf.Scalar> } {
    const encoded = inputs[PRIOR_ENCODED];
    if (!encoded) {
      throw new Error(`PriorMatching: no '${PRIOR_ENCODED}' among the auxiliary inputs; the objective's gamma must be > 0`);
    }
    assertShape(encoded, [null, this.dim], `PriorMatching ${PRIOR_ENCODED}`);
    return tf.tidy(() => {
      const prior = this.samplePrior(encoded.shape[0]!, rng);
      const realLogits = this.discriminator.discriminate(prior);
      const fakeLogits = this.discriminator.discriminate(encoded);
      const real = tf.mean(tf.softplus(tf.neg(realLogits))) as tf.Scalar;
      const fake = tf.mean(tf.softplus(fakeLogits)) as tf.Scalar;
      const gan = tf.add(real, fake) as tf.Scalar;
      const penalty = this.discriminator.gradientPenalty(tf.concat([prior, encoded], 0));
      const loss = tf.add(gan, tf.mul(this.gradientPenaltyWeight, penalty)) as tf.Scalar;
      const accuracy = tf.div(
        tf.add(tf.sum(tf.cast(tf.greater(realLogits, 0), 'float32')), tf.sum(tf.cast(tf.lessEqual(fakeLogits, 0), 'float32'))),
        realLogits.shape[0]! + fakeLogits.shape[0]!,
      ) as tf.Scalar;
      return { loss, metrics: { gan_loss: gan, gradient_penalty: penalty, accuracy } };
    });
  }
}
