import * as tf from '@tensorflow/tfjs';
import {
  isSeparableCritic,
  Module,
  type Bound,
  type ComputeOptions,
  type Encoder,
  type Objective,
  type ObjectiveOutput,
  type OptimizerGroup,
  type SeparableCritic,
  type Views,
} from '@infomax/core';
import { OnlineProbe } from '../probe/online-probe';
import { requireViews } from '../shared/require-views';
import { amdimMultiNce, type AmdimEmbeddings } from './multiscale-nce';

export interface AmdimParts {
  encoder: Encoder;
  /** Embeds f1 (antecedent side) and f5 (consequent side) to n_rkhs; AMDIM: no head / residual head. */
  critic5: SeparableCritic;
  /** Embeds f7 (consequent side) to n_rkhs. */
  critic7: SeparableCritic;
  bound: Bound;
  probe?: OnlineProbe;
}

/**
 * AMDIM (Bachman et al. 2019) as a composition: any encoder yielding f1 / f5 / f7, any
 * separable critic for the heads, any bound for the multiscale NCE. Both views go through the
 * encoder separately, so batch-norm statistics are per view, as in the paper. r1 is critic5's
 * antecedent embedding of f1 (no head in the paper) and serves both the 1->5 and 1->7 pairs;
 * scores come from each critic's `scoreEmbeddings`.
 */
export class AmdimObjective extends Module implements Objective {
  readonly name = 'amdim';
  private readonly parts: AmdimParts;

  constructor(parts: AmdimParts) {
    super();
    for (const [role, critic] of [['critic5', parts.critic5], ['critic7', parts.critic7]] as const) {
      if (!isSeparableCritic(critic)) {
        throw new Error(
          `AMDIM's ${role} must be a separable critic (embedAntecedents / embedConsequents / scoreEmbeddings), ` +
            `such as 'dot-product': the source location is picked after embedding`,
        );
      }
    }
    this.parts = parts;
    this.addModule('encoder', parts.encoder);
    this.addModule('critic5', parts.critic5);
    this.addModule('critic7', parts.critic7);
    // The probe is an auxiliary group: its variables must stay out of the main trainables.
  }

  private embed(view: tf.Tensor, training: boolean): { embeddings: AmdimEmbeddings; f1: tf.Tensor } {
    const f = this.parts.encoder.apply(view, { training });
    for (const name of ['f1', 'f5', 'f7']) {
      if (!f[name]) {
        throw new Error(`AMDIM needs an encoder yielding f1, f5 and f7; this one yields ${Object.keys(f).join(', ')}`);
      }
    }
    const { critic5, critic7 } = this.parts;
    return {
      f1: f.f1!,
      embeddings: {
        r1: critic5.embedAntecedents(f.f1!, { training }) as tf.Tensor4D,
        r5: critic5.embedConsequents(f.f5!, { training }) as tf.Tensor4D,
        r7: critic7.embedConsequents(f.f7!, { training }) as tf.Tensor4D,
      },
    };
  }

  compute(views: Views, options: ComputeOptions): ObjectiveOutput {
    const [view1, view2] = requireViews(views, ['view1', 'view2'], 'AMDIM');
    const a = this.embed(view1!, options.training);
    const b = this.embed(view2!, options.training);
    const { critic5, critic7 } = this.parts;
    const result = amdimMultiNce(a.embeddings, b.embeddings, {
      rng: options.rng,
      bound: this.parts.bound,
      scorers: {
        r5: (u, v) => critic5.scoreEmbeddings(u, v).scores as tf.Tensor2D,
        r7: (u, v) => critic7.scoreEmbeddings(u, v).scores as tf.Tensor2D,
      },
    });
    return {
      loss: result.loss,
      metrics: {
        ...result.terms,
        estimate: tf.div(tf.addN(Object.values(result.estimates)), 3) as tf.Scalar,
        ...result.estimates,
      },
      auxiliaryInputs: this.parts.probe?.inputs(a.f1, options.labels) ?? {},
    };
  }

  auxiliaryGroups(): OptimizerGroup[] {
    return this.parts.probe ? [this.parts.probe] : [];
  }

  /**
   * Frozen features for evaluation, flattened to [B, D], in inference mode: the global vector
   * f1 by default (the paper's probe input), or any encoder feature by name (`f5`, `f7`).
   */
  features(x: tf.Tensor, feature = 'f1'): tf.Tensor2D {
    return tf.tidy(() => {
      const features = this.parts.encoder.apply(x, { training: false });
      const f = features[feature];
      if (!f) {
        throw new Error(`AMDIM's encoder has no feature '${feature}'; it yields ${Object.keys(features).map((n) => `'${n}'`).join(', ')}`);
      }
      return tf.reshape(f, [f.shape[0]!, -1]) as tf.Tensor2D;
    });
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, encoder: this.parts.encoder.getConfig(), bound: this.parts.bound.name };
  }

  override dispose(): void {
    this.parts.probe?.dispose();
    super.dispose();
  }
}
