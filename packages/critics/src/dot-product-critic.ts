import * as tf from '@tensorflow/tfjs';
import { Module, type ApplyOptions, type CriticOutput, type Rng, type SeparableCritic } from '@infomax/core';
import { dotProductScores } from './dot-product-scores';
import { createProjectionHead } from './heads/create-projection-head';
import type { HeadKind, ProjectionHead } from './heads/projection-head';
import { locationLayout } from './layout/location-layout';

export interface DotProductCriticOptions {
  /** Head of the antecedent side (default 'none': the features are already embeddings). */
  antecedentHead?: HeadKind;
  /** Head of the consequent side (default 'none'). */
  consequentHead?: HeadKind;
  /** Channels of the antecedent features; required when that side has a head. */
  antecedentChannels?: number;
  /** Channels of the consequent features; required when that side has a head. */
  consequentChannels?: number;
  /** Output size D of the heads (AMDIM: n_rkhs; DIM: U = 2048, or 512/1024 for small runs). */
  units?: number;
  /** One head for both sides (AMDIM's 5x5 head embeds both the sources and the targets of 5t5). */
  shareHead?: boolean;
  /** Divide scores by sqrt(D). */
  scaleBySqrtDim?: boolean;
}

/**
 * The separable critic s(x, y) = h_a(x) . h_b(y) (/ sqrt(D)). Separable means every antecedent
 * and every consequent is embedded once and all pairs cost one matmul, which is what makes
 * "every source against every location of every image" affordable. See `dotProductScores` for
 * the layout of the scores.
 */
export class DotProductCritic extends Module implements SeparableCritic {
  /** Both built-in heads pass `statisticsGroups` to their batch norms; no head has none. */
  readonly supportsStatisticsGroups = true;
  readonly antecedentHead: (Module & ProjectionHead) | null;
  readonly consequentHead: (Module & ProjectionHead) | null;
  private readonly settings: Required<Pick<DotProductCriticOptions, 'antecedentHead' | 'consequentHead' | 'units' | 'shareHead' | 'scaleBySqrtDim'>>;

  constructor(
    readonly options: DotProductCriticOptions,
    rng: Rng,
  ) {
    super();
    const settings = {
      antecedentHead: options.antecedentHead ?? 'none',
      consequentHead: options.consequentHead ?? 'none',
      units: options.units ?? 2048,
      shareHead: options.shareHead ?? false,
      scaleBySqrtDim: options.scaleBySqrtDim ?? false,
    };
    this.settings = settings;
    const problems = dotProductOptionProblems(options);
    if (problems.length > 0) {
      throw new Error(`DotProductCritic: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    }
    if (settings.shareHead) {
      const head = this.addModule(
        'head',
        createProjectionHead(settings.antecedentHead, options.antecedentChannels!, settings.units, rng.fork('head'))!,
      );
      this.antecedentHead = head;
      this.consequentHead = head;
    } else {
      const a = createProjectionHead(settings.antecedentHead, options.antecedentChannels ?? 0, settings.units, rng.fork('antecedent_head'));
      const c = createProjectionHead(settings.consequentHead, options.consequentChannels ?? 0, settings.units, rng.fork('consequent_head'));
      this.antecedentHead = a ? this.addModule('antecedent_head', a) : null;
      this.consequentHead = c ? this.addModule('consequent_head', c) : null;
    }
  }

  /** The antecedents through their head (identity without one), same leading shape. */
  embedAntecedents(x: tf.Tensor, options: ApplyOptions): tf.Tensor {
    return this.embed(this.antecedentHead, x, 'antecedents', options);
  }

  /** The consequents through their head (identity without one), same leading shape. */
  embedConsequents(x: tf.Tensor, options: ApplyOptions): tf.Tensor {
    return this.embed(this.consequentHead, x, 'consequents', options);
  }

  /** Scores of ready embeddings (no heads): for objectives that embed once and score many pairs. */
  scoreEmbeddings(antecedents: tf.Tensor, consequents: tf.Tensor): CriticOutput {
    return dotProductScores(antecedents, consequents, { scaleBySqrtDim: this.settings.scaleBySqrtDim });
  }

  score(antecedents: tf.Tensor, consequents: tf.Tensor, options: ApplyOptions): CriticOutput {
    return tf.tidy(() => {
      const u = this.embedAntecedents(antecedents, options);
      const { scores, positiveMask } = this.scoreEmbeddings(u, this.embedConsequents(consequents, options));
      return { scores, positiveMask };
    });
  }

  getConfig(): Record<string, unknown> {
    return { ...this.options, ...this.settings };
  }

  private embed(head: ProjectionHead | null, x: tf.Tensor, label: string, options: ApplyOptions): tf.Tensor {
    if (!head) return tf.clone(x);
    locationLayout(x, `DotProductCritic ${label}`, head.inChannels);
    return head.apply(x, options);
  }
}

/**
 * What is wrong with a set of dot-product options, as (field, message) pairs: shared by the
 * constructor and the plugin's schema so `new` and a config fail with the same words.
 */
export function dotProductOptionProblems(options: DotProductCriticOptions): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const sides = [
    ['antecedent', options.antecedentHead ?? 'none', options.antecedentChannels],
    ['consequent', options.consequentHead ?? 'none', options.consequentChannels],
  ] as const;
  for (const [side, kind, channels] of sides) {
    if (kind !== 'none' && channels === undefined) {
      problems.push({
        path: `${side}Channels`,
        message: `required when the ${side} head is '${kind}': the channel count of the ${side} features`,
      });
    }
  }
  if (options.shareHead) {
    if ((options.antecedentHead ?? 'none') === 'none' || options.antecedentHead !== options.consequentHead) {
      problems.push({ path: 'shareHead', message: 'needs the same head (not none) on both sides' });
    } else if (options.antecedentChannels !== options.consequentChannels) {
      problems.push({ path: 'shareHead', message: 'needs antecedentChannels equal to consequentChannels' });
    }
  }
  return problems;
}
