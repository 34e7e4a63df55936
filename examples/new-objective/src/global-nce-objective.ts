import * as tf from '@tensorflow/tfjs';
import {
  Module,
  type Bound,
  type BoundResult,
  type ComputeOptions,
  type Critic,
  type Encoder,
  type Objective,
  type ObjectiveOutput,
  type OptimizerGroup,
  type Views,
} from '@infomax/core';

export interface GlobalNceParts {
  encoder: Encoder;
  /** Scores [B, B] of two views' global vectors, positives on the diagonal. */
  critic: Critic;
  bound: Bound;
}

/**
 * SimCLR-style contrast of two views' *global* vectors (Chen et al. 2020, in its symmetric
 * cross-view form): the encoder's `feature` of view 1 against that of view 2, every other image
 * of the batch a negative, through any critic and any bound, averaged over both directions.
 * Where AMDIM contrasts global with local features (1->5, 1->7, 5->5), this keeps only the
 * global-global pair, so what it learns must survive the augmentations as a whole-image summary.
 *
 * Plain class, no decorators: its parts are whatever the container built.
 */
export class GlobalNceObjective extends Module implements Objective {
  readonly name = 'global-nce';

  constructor(
    private readonly parts: GlobalNceParts,
    private readonly feature: string,
  ) {
    super();
    this.addModule('encoder', parts.encoder);
    this.addModule('critic', parts.critic);
  }

  compute(views: Views, options: ComputeOptions): ObjectiveOutput {
    const { view1, view2 } = views;
    if (!view1 || !view2) {
      throw new Error(
        `global-nce needs the views 'view1' and 'view2' (a two-view generator), got ${Object.keys(views).map((v) => `'${v}'`).join(', ') || 'none'}`,
      );
    }
    return tf.tidy(() => {
      const training = options.training;
      const a = this.globalVector(view1, training);
      const b = this.globalVector(view2, training);
      const forward = this.contrast(a, b, training);
      const backward = this.contrast(b, a, training);
      const half = (x: tf.Scalar, y: tf.Scalar) => tf.mul(0.5, tf.add(x, y)) as tf.Scalar;
      const metrics: Record<string, tf.Scalar> = {
        estimate: half(forward.result.estimate, backward.result.estimate),
        accuracy: half(forward.accuracy, backward.accuracy),
      };
      for (const [name, term] of Object.entries(forward.result.terms)) {
        metrics[name] = half(term, backward.result.terms[name] ?? term);
      }
      return { loss: half(forward.result.loss, backward.result.loss), metrics };
    });
  }

  auxiliaryGroups(): OptimizerGroup[] {
    return [];
  }

  /** Frozen features for evaluation: the encoder's global vector in inference mode, [B, D]. */
  features(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => this.globalVector(x, false));
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      feature: this.feature,
      encoder: this.parts.encoder.getConfig(),
      critic: this.parts.critic.getConfig(),
      bound: this.parts.bound.name,
    };
  }

  private globalVector(x: tf.Tensor, training: boolean): tf.Tensor2D {
    const features = this.parts.encoder.apply(x, { training });
    const f = features[this.feature];
    if (!f) {
      throw new Error(`global-nce needs the encoder feature '${this.feature}'; this encoder yields ${Object.keys(features).join(', ')}`);
    }
    return tf.reshape(f, [f.shape[0]!, -1]) as tf.Tensor2D;
  }

  /** One direction: a's rows against b's, and how often a row's top score is its positive. */
  private contrast(a: tf.Tensor2D, b: tf.Tensor2D, training: boolean): { result: BoundResult; accuracy: tf.Scalar } {
    const { scores, positiveMask } = this.parts.critic.score(a, b, { training });
    const result = this.parts.bound.compute(scores as tf.Tensor2D, positiveMask as tf.Tensor2D);
    const top = tf.oneHot(tf.argMax(scores, 1), scores.shape[1]!).toFloat();
    const accuracy = tf.mean(tf.sum(tf.mul(top, positiveMask), 1)) as tf.Scalar;
    return { result, accuracy };
  }
}
