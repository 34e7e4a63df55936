import * as tf from '@tensorflow/tfjs';
import {
  assertShape,
  Module,
  type Bound,
  type ComputeOptions,
  type ContextNetwork,
  type Critic,
  type Encoder,
  type Objective,
  type ObjectiveOutput,
  type OptimizerGroup,
  type Views,
} from '@infomax/core';
import { OnlineProbe } from '../probe/online-probe';
import { cutPatchGrid } from '../shared/patch-grid';
import { columnSequences } from './column-sequences';
import { stepAccuracy, stepScores } from './step-scores';

export type CpcMode = 'sequence' | 'image';

export interface CpcParts {
  /** Sequences [B, T, C] -> `frames` [B, T', Dz]; or patch grids [B, gh, gw, p, p, C] -> `grid` [B, gh, gw, Dz]. */
  encoder: Encoder;
  /** frames -> contexts [B, T', Dc] (causal in t); or grid -> [B, gh, gw, Dc] (row i sees rows <= i). */
  contextNetwork: ContextNetwork;
  /** A predictive critic (bilinear: pairs c_t with z_{t+k} itself) or any pair scorer; see `stepScores`. */
  critic: Critic;
  bound: Bound;
  probe?: OnlineProbe;
}

export interface CpcObjectiveOptions {
  mode: CpcMode;
  /** K, the number of prediction steps (rows ahead, for images). */
  steps: number;
  /** The encoder feature holding the frames / grid (default 'frames' / 'grid'). */
  feature?: string;
  /** Image mode: how images given as `view1` (and to `features`) are cut into patches. */
  patchSize?: number;
  stride?: number;
}

/**
 * Contrastive Predictive Coding (van den Oord et al. 2018) as a composition. Sequences: frames
 * z_t from the encoder, contexts c_t from the context network, and for each k = 1..K the critic's
 * scores of c_t against z_{t+k} (positive) and the other sequences' z_{t+k} (negatives), into
 * the bound (InfoNCE: I(x_{t+k}; c_t) >= log N − loss); the loss is the mean over k, t and
 * sequences. Images: the patch grid's columns are the sequences, over rows, so contexts of row i
 * predict the patches k rows below, against the same row of every other column of every image.
 */
export class CpcObjective extends Module implements Objective {
  readonly name = 'cpc';
  readonly mode: CpcMode;
  readonly steps: number;
  readonly parts: Readonly<CpcParts>;
  private readonly feature: string;
  private readonly patchSize: number;
  private readonly stride: number;

  constructor(parts: CpcParts, options: CpcObjectiveOptions) {
    super();
    if (!Number.isInteger(options.steps) || options.steps < 1) {
      throw new Error(`CPC: steps must be a positive integer, got ${options.steps}`);
    }
    this.mode = options.mode;
    this.steps = options.steps;
    this.parts = parts;
    this.feature = options.feature ?? (options.mode === 'image' ? 'grid' : 'frames');
    this.patchSize = options.patchSize ?? 8;
    this.stride = options.stride ?? 4;
    this.addModule('encoder', parts.encoder);
    this.addModule('contextNetwork', parts.contextNetwork);
    this.addModule('critic', parts.critic);
  }

  get encoder(): Encoder {
    return this.parts.encoder;
  }

  compute(views: Views, options: ComputeOptions): ObjectiveOutput {
    const training = options.training;
    return tf.tidy(() => {
      const encoded = this.encode(this.inputFrom(views), training);
      const { contexts, frames } = this.sequences(encoded, training);
      const { scores, positiveMask } = stepScores(this.parts.critic, contexts, frames, this.steps, { training });
      const result = this.parts.bound.compute(scores, positiveMask);
      const accuracy = stepAccuracy(scores, positiveMask, this.steps);
      const metrics: Record<string, tf.Scalar> = { ...result.terms, estimate: result.estimate, accuracy: tf.mean(accuracy) as tf.Scalar };
      tf.unstack(accuracy).forEach((a, i) => (metrics[`accuracy_k${i + 1}`] = a as tf.Scalar));
      const auxiliaryInputs = this.parts.probe?.inputs(this.pool(encoded, contexts), options.labels) ?? {};
      return { loss: result.loss, metrics, auxiliaryInputs };
    });
  }

  auxiliaryGroups(): OptimizerGroup[] {
    return this.parts.probe ? [this.parts.probe] : [];
  }

  /**
   * Frozen features for evaluation, [B, D], in inference mode: the mean over time of the contexts
   * (sequences [B, T, C]), or the mean over the grid of the patch vectors (images [B, H, W, C],
   * cut like the training patches, or patch grids [B, gh, gw, p, p, C]).
   */
  features(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const encoded = this.encode(this.mode === 'image' && x.rank === 4 ? cutPatchGrid(x, this.patchSize, this.stride) : x, false);
      const contexts = this.mode === 'sequence' ? this.parts.contextNetwork.apply(encoded, { training: false }) : undefined;
      return this.pool(encoded, contexts);
    });
  }

  getConfig(): Record<string, unknown> {
    const { encoder, contextNetwork, critic, bound, probe } = this.parts;
    return {
      name: this.name,
      mode: this.mode,
      steps: this.steps,
      ...(this.mode === 'image' ? { patchSize: this.patchSize, stride: this.stride } : {}),
      encoder: encoder.getConfig(),
      contextNetwork: contextNetwork.getConfig(),
      critic: critic.getConfig(),
      bound: bound.name,
      probe: probe ? probe.options : false,
    };
  }

  override dispose(): void {
    this.parts.probe?.dispose();
    super.dispose();
  }

  private inputFrom(views: Views): tf.Tensor {
    const names = this.mode === 'image' ? ['patches', 'view1'] : ['window', 'view1'];
    const name = names.find((n) => views[n] !== undefined);
    if (!name) {
      throw new Error(
        `CPC (${this.mode}) needs the view ${names.map((n) => `'${n}'`).join(' or ')}, but the view generator gave ` +
          `${Object.keys(views).map((n) => `'${n}'`).join(', ') || 'none'}. Pick a matching viewGenerator ` +
          `(${this.mode === 'image' ? "'patch-grid'" : "'temporal-window'"} or 'identity').`,
      );
    }
    const view = views[name]!;
    if (this.mode === 'image' && name === 'view1') {
      assertShape(view, [null, null, null, null], "CPC (image) view 'view1' [B, H, W, C]");
      return cutPatchGrid(view, this.patchSize, this.stride);
    }
    return view;
  }

  private encode(input: tf.Tensor, training: boolean): tf.Tensor {
    const features = this.parts.encoder.apply(input, { training });
    const encoded = features[this.feature];
    if (!encoded) {
      throw new Error(`CPC needs the encoder feature '${this.feature}'; this encoder yields ${Object.keys(features).map((n) => `'${n}'`).join(', ')}`);
    }
    assertShape(encoded, this.mode === 'image' ? [null, null, null, null] : [null, null, null], `CPC encoder feature '${this.feature}'`);
    return encoded;
  }

  /** Contexts and frames as sequences [S, T, ·]: the sequences themselves, or the grid's columns. */
  private sequences(encoded: tf.Tensor, training: boolean): { contexts: tf.Tensor3D; frames: tf.Tensor3D } {
    const contexts = this.parts.contextNetwork.apply(encoded, { training });
    if (this.mode === 'sequence') {
      assertShape(contexts, ['B', 'T', null], 'CPC contexts', assertShape(encoded, ['B', 'T', null], 'CPC frames'));
      return { contexts: contexts as tf.Tensor3D, frames: encoded as tf.Tensor3D };
    }
    assertShape(contexts, ['B', 'H', 'W', null], 'CPC grid contexts', assertShape(encoded, ['B', 'H', 'W', null], 'CPC grid'));
    return { contexts: columnSequences(contexts), frames: columnSequences(encoded) };
  }

  /** [B, D]: contexts averaged over time (sequences), patch vectors averaged over the grid (images). */
  private pool(encoded: tf.Tensor, contexts: tf.Tensor | undefined): tf.Tensor2D {
    return (this.mode === 'image' ? tf.mean(encoded, [1, 2]) : tf.mean(contexts!, 1)) as tf.Tensor2D;
  }
}
