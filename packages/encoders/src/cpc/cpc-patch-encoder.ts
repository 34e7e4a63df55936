import * as tf from '@tensorflow/tfjs';
import {
  Conv2d,
  Dense,
  Module,
  ShapeError,
  type ApplyOptions,
  type Encoder,
  type FeatureSet,
  type FeatureShapes,
  type Rng,
} from '@infomax/core';
import { applyNorm, createNorm, type NormKind, type NormLayer } from '../layers/norm-layer';
import { withDefaults } from '../util/with-defaults';
import { PatchResidualBlock } from './patch-residual-block';

export interface CpcPatchEncoderOptions {
  inChannels?: number;
  /** One residual block per entry; the first keeps the patch size, later ones halve it. */
  widths?: readonly number[];
  /** A final linear layer to this width after pooling; null keeps the last width. */
  outputDim?: number | null;
  /** 'batch' (CPC v1), 'layer' (CPC v2: per-patch statistics only) or 'none'. */
  norm?: NormKind;
  /** [gh, gw] of the grid, needed only for flat patch batches [B*gh*gw, ph, pw, C]. */
  gridShape?: readonly [number, number] | null;
}

export type ResolvedCpcPatchEncoderOptions = Required<CpcPatchEncoderOptions>;

export const CPC_PATCH_ENCODER_DEFAULTS: ResolvedCpcPatchEncoderOptions = {
  inChannels: 3,
  widths: [32, 64],
  outputDim: null,
  norm: 'batch',
  gridShape: null,
};

/**
 * CPC's image encoder, scaled down: every patch of a grid goes through the same small ResNet
 * (3x3 stem, residual blocks, global average pool, optional linear layer) and the vectors are
 * laid back out as the grid: patches [B, gh, gw, ph, pw, C] -> `grid` [B, gh, gw, D].
 */
export class CpcPatchEncoder extends Module implements Encoder {
  /** Every batch norm it runs takes the caller's `statisticsGroups` (patches stay image-major). */
  readonly supportsStatisticsGroups = true;
  readonly options: ResolvedCpcPatchEncoderOptions;
  private readonly stem: Conv2d;
  private readonly stemNorm: NormLayer | null;
  private readonly blocks: PatchResidualBlock[] = [];
  private readonly output: Dense | null;

  constructor(options: CpcPatchEncoderOptions, rng: Rng) {
    super();
    this.options = withDefaults(CPC_PATCH_ENCODER_DEFAULTS, options);
    const { inChannels, widths, outputDim, norm } = this.options;
    if (widths.length === 0 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
      throw new Error(`CpcPatchEncoder: widths must be a non-empty list of positive integers, got [${widths.join(', ')}]`);
    }
    const first = widths[0]!;
    this.stem = this.addModule(
      'stem',
      new Conv2d({ inChannels, filters: first, kernelSize: 3, padding: 1, useBias: norm === 'none' }, rng.fork('stem')),
    );
    const stemNorm = createNorm(norm, first);
    this.stemNorm = stemNorm ? this.addModule('stem_norm', stemNorm) : null;
    let channels = first;
    widths.forEach((w, i) => {
      const block = new PatchResidualBlock({ inChannels: channels, outChannels: w, stride: i === 0 ? 1 : 2, norm }, rng.fork(`block${i}`));
      this.blocks.push(this.addModule(`block${i}`, block));
      channels = w;
    });
    this.output = outputDim === null ? null : this.addModule('output', new Dense({ inUnits: channels, units: outputDim }, rng.fork('output')));
  }

  /** Width D of each patch vector. */
  get outputWidth(): number {
    return this.options.outputDim ?? this.options.widths[this.options.widths.length - 1]!;
  }

  /** [B, gh, gw] of an input shape (with batch), after checking it. */
  private gridOf(shape: readonly number[], label: string): [number, number, number] {
    const c = this.options.inChannels;
    if (shape.length === 6) {
      if (shape[5] !== c) {
        throw new ShapeError(`${label}: patches must have ${c} channels (last axis), got [${shape.join(', ')}]; set inChannels: ${shape[5]}`);
      }
      return [shape[0]!, shape[1]!, shape[2]!];
    }
    if (shape.length === 4) {
      const grid = this.options.gridShape;
      if (!grid) {
        throw new ShapeError(
          `${label}: a flat patch batch [N, ph, pw, C] needs the gridShape option [gh, gw]; got [${shape.join(', ')}]. ` +
            `Pass patches as [B, gh, gw, ph, pw, C] or set gridShape.`,
        );
      }
      const perImage = grid[0] * grid[1];
      if (shape[3] !== c || shape[0]! % perImage !== 0) {
        throw new ShapeError(
          `${label}: expected [B*${grid[0]}*${grid[1]}, ph, pw, ${c}] (gridShape [${grid.join(', ')}]), got [${shape.join(', ')}]`,
        );
      }
      return [shape[0]! / perImage, grid[0], grid[1]];
    }
    throw new ShapeError(`${label}: expected patches [B, gh, gw, ph, pw, C] or [B*gh*gw, ph, pw, C], got rank ${shape.length} [${shape.join(', ')}]`);
  }

  apply(x: tf.Tensor, options: ApplyOptions): FeatureSet {
    const [b, gh, gw] = this.gridOf(x.shape, 'CpcPatchEncoder input');
    const [ph, pw, c] = x.shape.slice(-3) as [number, number, number];
    return tf.tidy(() => {
      const patches = tf.reshape(x, [b * gh * gw, ph, pw, c]) as tf.Tensor4D;
      let h = tf.relu(applyNorm(this.stemNorm, this.stem.apply(patches), options)) as tf.Tensor4D;
      for (const block of this.blocks) h = block.apply(h, options);
      let vectors: tf.Tensor = tf.mean(h, [1, 2]);
      if (this.output) vectors = this.output.apply(vectors);
      return { grid: tf.reshape(vectors, [b, gh, gw, this.outputWidth]) };
    });
  }

  featureShapes(inputShape: readonly number[]): FeatureShapes {
    // Example shapes come without the batch axis: [gh, gw, ph, pw, C], or one flat patch
    // [ph, pw, C] when gridShape says how patches form a grid.
    const grid = this.options.gridShape;
    const withBatch =
      inputShape.length === 5 ? [1, ...inputShape] : inputShape.length === 3 ? [grid ? grid[0] * grid[1] : 1, ...inputShape] : inputShape;
    const [, gh, gw] = this.gridOf(withBatch, 'CpcPatchEncoder example shape');
    return { grid: [gh, gw, this.outputWidth] };
  }

  getConfig(): Record<string, unknown> {
    const { gridShape, widths } = this.options;
    return { ...this.options, widths: [...widths], gridShape: gridShape ? [...gridShape] : null };
  }
}
