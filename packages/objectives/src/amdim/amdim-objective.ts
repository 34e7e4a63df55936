import * as tf from '@tensorflow/tfjs';
import {
  isSeparableCritic,
  Module,
  type ApplyOptions,
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

/** One view (or stacked views) through the encoder and the heads; f1 feeds the probe. */
interface EmbeddedView {
  embeddings: AmdimEmbeddings;
  f1: tf.Tensor;
}

/**
 * AMDIM (Bachman et al. 2019) as a composition: any encoder yielding f1 / f5 / f7, any
 * separable critic for the heads, any bound for the multiscale NCE. Batch-norm statistics are
 * per view, as in the paper: when the encoder and both critics declare
 * `supportsStatisticsGroups`, both views go through them as one stacked batch of 2B with
 * `statisticsGroups: 2` (fewer, larger kernels; the same numbers as two passes); otherwise
 * each view gets its own pass. r1 is critic5's antecedent embedding of f1 (no head in the
 * paper) and serves both the 1->5 and 1->7 pairs; scores come from each critic's
 * `scoreEmbeddings`.
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

  /** Whether both views can share one pass: every part keeps batch-norm statistics per group. */
  get embedsViewsTogether(): boolean {
    const { encoder, critic5, critic7 } = this.parts;
    return encoder.supportsStatisticsGroups === true && critic5.supportsStatisticsGroups === true && critic7.supportsStatisticsGroups === true;
  }

  /**
   * f1 / f5 / f7 of `x` through the encoder and the heads. `options.statisticsGroups` says how
   * many views `x` stacks; every output keeps that stacking on axis 0.
   */
  private embed(x: tf.Tensor, options: ApplyOptions): EmbeddedView {
    const f = this.parts.encoder.apply(x, options);
    for (const name of ['f1', 'f5', 'f7']) {
      if (!f[name]) {
        throw new Error(`AMDIM needs an encoder yielding f1, f5 and f7; this one yields ${Object.keys(f).join(', ')}`);
      }
    }
    const { critic5, critic7 } = this.parts;
    return {
      f1: f.f1!,
      embeddings: {
        r1: critic5.embedAntecedents(f.f1!, options) as tf.Tensor4D,
        r5: critic5.embedConsequents(f.f5!, options) as tf.Tensor4D,
        r7: critic7.embedConsequents(f.f7!, options) as tf.Tensor4D,
      },
    };
  }

  /** Both views' embeddings: one stacked pass when the parts allow it, else one pass per view. */
  private embedViews(view1: tf.Tensor, view2: tf.Tensor, training: boolean): [EmbeddedView, EmbeddedView] {
    const sameShape = view1.shape.length === view2.shape.length && view1.shape.every((d, i) => d === view2.shape[i]);
    if (!this.embedsViewsTogether || !sameShape) {
      return [this.embed(view1, { training }), this.embed(view2, { training })];
    }
    const both = this.embed(tf.concat([view1, view2], 0), { training, statisticsGroups: 2 });
    const halves = (t: tf.Tensor) => tf.split(t, 2, 0) as [tf.Tensor, tf.Tensor];
    const [f1a, f1b] = halves(both.f1);
    const [r1a, r1b] = halves(both.embeddings.r1);
    const [r5a, r5b] = halves(both.embeddings.r5);
    const [r7a, r7b] = halves(both.embeddings.r7);
    return [
      { f1: f1a, embeddings: { r1: r1a as tf.Tensor4D, r5: r5a as tf.Tensor4D, r7: r7a as tf.Tensor4D } },
      { f1: f1b, embeddings: { r1: r1b as tf.Tensor4D, r5: r5b as tf.Tensor4D, r7: r7b as tf.Tensor4D } },
    ];
  }

  compute(views: Views, options: ComputeOptions): ObjectiveOutput {
    const [view1, view2] = requireViews(views, ['view1', 'view2'], 'AMDIM');
    const [a, b] = this.embedViews(view1!, view2!, options.training);
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
