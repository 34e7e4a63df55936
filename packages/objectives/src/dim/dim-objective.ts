import * as tf from '@tensorflow/tfjs';
import {
  assertShape,
  Module,
  type Bound,
  type ComputeOptions,
  type Critic,
  type Encoder,
  type FeatureSet,
  type Objective,
  type ObjectiveOutput,
  type OptimizerGroup,
  type Views,
} from '@infomax/core';
import { OnlineProbe } from '../probe/online-probe';
import { estimateLabel } from '../shared/estimate-label';
import { requireViews } from '../shared/require-views';
import { scoreMatrix } from '../shared/score-matrix';
import type { DimWeights } from './dim-weights';
import type { PriorMatching } from './prior-matching';

export interface DimParts {
  encoder: Encoder;
  /** Scores Y against the local map, [B, B·L] with same-image positives. Needed when beta > 0. */
  localCritic?: Critic;
  /** Scores Y against the whole map, [B, B] with a diagonal positive. Needed when alpha > 0. */
  globalCritic?: Critic;
  /** One bound for both MI terms (DIM: JSD; InfoNCE and DV in the paper too). */
  bound: Bound;
  /** The adversarial prior-matching group. Needed when gamma > 0. */
  prior?: PriorMatching;
  probe?: OnlineProbe;
}

export interface DimObjectiveOptions extends DimWeights {
  /** The encoder feature used as Y (default 'global'). */
  globalFeature?: string;
  /** The encoder feature used as the local map C (default 'local'). */
  localFeature?: string;
}

/**
 * Deep InfoMax (Hjelm et al. 2019) as a composition:
 * `loss = alpha · L_global + beta · L_local + gamma · L_prior`, where L_local and L_global are the
 * bound's loss on the critics' scores of Y against every local vector of every image ([B, B·L],
 * same-image positives: the mean over positives is the paper's 1/M² sum over locations) and
 * against every image's map ([B, B], diagonal), and L_prior = mean softplus(-D(sigmoid(Y))).
 * A term whose weight is 0 is neither built nor computed.
 */
export class DimObjective extends Module implements Objective {
  readonly name = 'dim';
  readonly weights: Readonly<DimWeights>;
  readonly parts: Readonly<DimParts>;
  private readonly globalFeature: string;
  private readonly localFeature: string;

  constructor(parts: DimParts, options: DimObjectiveOptions) {
    super();
    const { alpha, beta, gamma } = options;
    for (const [name, value] of Object.entries({ alpha, beta, gamma })) {
      if (!(value >= 0) || !Number.isFinite(value)) throw new Error(`DIM: ${name} must be a finite number >= 0, got ${value}`);
    }
    if (alpha + beta + gamma === 0) throw new Error('DIM: alpha, beta and gamma are all 0; there is nothing to optimise');
    const missing = [
      alpha > 0 && !parts.globalCritic && 'a globalCritic (alpha > 0)',
      beta > 0 && !parts.localCritic && 'a localCritic (beta > 0)',
      gamma > 0 && !parts.prior && 'a prior group (gamma > 0)',
    ].filter(Boolean);
    if (missing.length > 0) throw new Error(`DIM needs ${missing.join(' and ')}`);
    this.weights = Object.freeze({ alpha, beta, gamma });
    this.parts = parts;
    this.globalFeature = options.globalFeature ?? 'global';
    this.localFeature = options.localFeature ?? 'local';
    this.addModule('encoder', parts.encoder);
    if (alpha > 0) this.addModule('globalCritic', parts.globalCritic!);
    if (beta > 0) this.addModule('localCritic', parts.localCritic!);
    // The prior discriminator and the probe are auxiliary groups: their variables stay out of
    // the main trainables (see PriorMatching).
  }

  get encoder(): Encoder {
    return this.parts.encoder;
  }

  compute(views: Views, options: ComputeOptions): ObjectiveOutput {
    const [x] = requireViews(views, ['view1'], 'DIM');
    const { alpha, beta, gamma } = this.weights;
    const { bound, prior, probe } = this.parts;
    const training = options.training;
    return tf.tidy(() => {
      const features = this.parts.encoder.apply(x!, { training });
      const y = this.feature(features, this.globalFeature);
      assertShape(y, [null, null], `DIM's Y (encoder feature '${this.globalFeature}')`);
      const weighted: tf.Scalar[] = [];
      const estimates: tf.Scalar[] = [];
      const metrics: Record<string, tf.Scalar> = {};
      const label = estimateLabel(bound);
      const miTerm = (name: string, weight: number, critic: Critic) => {
        const { scores, positiveMask } = scoreMatrix(critic.score(y, this.feature(features, this.localFeature), { training }), `DIM's ${name} critic`);
        const result = bound.compute(scores, positiveMask);
        metrics[`${name}_loss`] = result.loss;
        metrics[`${name}_${label}`] = result.estimate;
        for (const [term, value] of Object.entries(result.terms)) metrics[`${name}_${term}`] = value;
        weighted.push(tf.mul(weight, result.loss));
        estimates.push(result.estimate);
      };
      if (beta > 0) miTerm('local', beta, this.parts.localCritic!);
      if (alpha > 0) miTerm('global', alpha, this.parts.globalCritic!);
      let auxiliaryInputs: Record<string, tf.Tensor> = probe?.inputs(y, options.labels) ?? {};
      if (gamma > 0) {
        const priorLoss = prior!.encoderLoss(y);
        metrics.prior_loss = priorLoss;
        weighted.push(tf.mul(gamma, priorLoss));
        auxiliaryInputs = { ...auxiliaryInputs, ...prior!.inputs(y) };
      }
      if (estimates.length > 0) metrics.estimate = tf.mean(tf.stack(estimates)) as tf.Scalar;
      const loss = weighted.reduce((sum, term) => tf.add(sum, term)) as tf.Scalar;
      return { loss, metrics, auxiliaryInputs };
    });
  }

  auxiliaryGroups(): OptimizerGroup[] {
    return [this.parts.prior, this.parts.probe].filter((g): g is PriorMatching | OnlineProbe => g !== undefined);
  }

  /**
   * Frozen features for evaluation, flattened to [B, D], in inference mode: Y by default, or any
   * other encoder feature by name (the DIM paper also probes 'fc' and 'conv').
   */
  features(x: tf.Tensor, feature = this.globalFeature): tf.Tensor2D {
    return tf.tidy(() => {
      const f = this.feature(this.parts.encoder.apply(x, { training: false }), feature);
      return tf.reshape(f, [f.shape[0]!, -1]) as tf.Tensor2D;
    });
  }

  getConfig(): Record<string, unknown> {
    const { encoder, localCritic, globalCritic, bound, prior, probe } = this.parts;
    return {
      name: this.name,
      ...this.weights,
      encoder: encoder.getConfig(),
      localCritic: this.weights.beta > 0 ? localCritic?.getConfig() : undefined,
      globalCritic: this.weights.alpha > 0 ? globalCritic?.getConfig() : undefined,
      bound: bound.name,
      prior: prior ? { learningRate: prior.learningRate, gradientPenaltyWeight: prior.gradientPenaltyWeight } : false,
      probe: probe ? probe.options : false,
    };
  }

  override dispose(): void {
    this.parts.prior?.dispose();
    this.parts.probe?.dispose();
    super.dispose();
  }

  private feature(features: FeatureSet, name: string): tf.Tensor {
    const f = features[name];
    if (!f) {
      throw new Error(`DIM needs the encoder feature '${name}'; this encoder yields ${Object.keys(features).map((n) => `'${n}'`).join(', ')}`);
    }
    return f;
  }
}
