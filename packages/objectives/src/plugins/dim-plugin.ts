import {
  definePlugin,
  isDiscriminator,
  z,
  type Bound,
  type Critic,
  type Encoder,
} from '@infomax/core';
import { DimObjective } from '../dim/dim-objective';
import { DIM_PRESETS, type DimWeights } from '../dim/dim-weights';
import { PriorMatching } from '../dim/prior-matching';
import { OnlineProbe } from '../probe/online-probe';
import { partSelection, probeOptionsSchema, withDerivedOptions } from '../shared/part-selection';
import { encoderSelectionFor } from './encoder-input-options';
import { channelsOf, exampleShapeSchema } from './shapes';

const weight = z.number().nonnegative().optional();

export const dimPriorOptionsSchema = z
  .strictObject({
    /** A critic-kind plugin satisfying core's `Discriminator`; receives `inUnits` = size of Y. */
    discriminator: partSelection({ name: 'prior-discriminator' }),
    learningRate: z.number().positive().default(1e-4),
    gradientPenaltyWeight: z.number().nonnegative().default(1),
  })
  .prefault({});

export const dimObjectiveOptionsSchema = z.strictObject({
  /** One input image [H, W, C]; sizes the built-in encoder and the critics. */
  inputShape: exampleShapeSchema.default([32, 32, 3]),
  /** Fills alpha, beta, gamma: 'local' = DIM(L) (0, 1, 0.1), 'global' = DIM(G) (1, 0, 1). */
  preset: z.enum(['local', 'global']).default('local'),
  /** Weight of the global MI term; overrides the preset's. */
  alpha: weight,
  /** Weight of the local MI term; overrides the preset's. */
  beta: weight,
  /** Weight of prior matching; overrides the preset's. 0 = no prior discriminator at all. */
  gamma: weight,
  encoder: partSelection({ name: 'dim-basic' }),
  globalFeature: z.string().min(1).default('global'),
  localFeature: z.string().min(1).default('local'),
  /**
   * Receives antecedentChannels / globalChannels (Y), consequentChannels / localChannels (the
   * local map) and units 512 (the paper's U is 2048; 512 is the dim-bench size).
   */
  localCritic: partSelection({ name: 'dot-product', options: { heads: 'dim-encode' } }),
  /** Receives globalChannels, localChannels and mapSize [h, w]. */
  globalCritic: partSelection({ name: 'dim-global' }),
  bound: partSelection({ name: 'jsd' }),
  prior: dimPriorOptionsSchema,
  probe: probeOptionsSchema,
});

export type DimObjectiveOptionsInput = z.input<typeof dimObjectiveOptionsSchema>;
export type DimObjectiveConfig = z.output<typeof dimObjectiveOptionsSchema>;

/** The preset's weights with any explicitly given alpha, beta, gamma on top. */
export function resolveDimWeights(options: Pick<DimObjectiveConfig, 'preset' | 'alpha' | 'beta' | 'gamma'>): DimWeights {
  const preset = DIM_PRESETS[options.preset];
  return {
    alpha: options.alpha ?? preset.alpha,
    beta: options.beta ?? preset.beta,
    gamma: options.gamma ?? preset.gamma,
  };
}

export const dimObjectivePlugin = definePlugin({
  kind: 'objective',
  name: 'dim',
  description: 'Deep InfoMax: alpha · global MI + beta · local MI (Y vs every local vector) + gamma · prior matching',
  optionsSchema: dimObjectiveOptionsSchema,
  create: (options, context) => {
    const weights = resolveDimWeights(options);
    const encoder = context.create<Encoder>('encoder', encoderSelectionFor(options.encoder, options.inputShape), 'encoder');
    const shapes = encoder.featureShapes(options.inputShape);
    const yDim = channelsOf(shapes[options.globalFeature], options.globalFeature, options.encoder.name);
    const localShape = shapes[options.localFeature];
    const localChannels = channelsOf(localShape, options.localFeature, options.encoder.name);
    const mapSize = localShape!.length === 3 ? [localShape![0]!, localShape![1]!] : undefined;
    const sizes = { globalChannels: yDim, localChannels, antecedentChannels: yDim, consequentChannels: localChannels };

    const prior = (() => {
      if (weights.gamma === 0) return undefined;
      const discriminator = context.create<unknown>('critic', withDerivedOptions(options.prior.discriminator, { inUnits: yDim }), 'prior');
      if (!isDiscriminator(discriminator)) {
        throw new Error(
          `DIM's prior.discriminator '${options.prior.discriminator.name}' is not a Discriminator (discriminate / gradientPenalty), ` +
            `such as 'prior-discriminator'`,
        );
      }
      return new PriorMatching(discriminator, {
        dim: yDim,
        learningRate: options.prior.learningRate,
        gradientPenaltyWeight: options.prior.gradientPenaltyWeight,
      });
    })();

    return new DimObjective(
      {
        encoder,
        localCritic:
          weights.beta > 0
            ? context.create<Critic>('critic', withDerivedOptions(options.localCritic, { ...sizes, units: 512 }), 'localCritic')
            : undefined,
        globalCritic:
          weights.alpha > 0
            ? context.create<Critic>('critic', withDerivedOptions(options.globalCritic, { ...sizes, mapSize }), 'globalCritic')
            : undefined,
        bound: context.create<Bound>('bound', options.bound, 'bound'),
        prior,
        probe: options.probe ? new OnlineProbe({ featureDim: yDim, ...options.probe }, context.rng.fork('probe')) : undefined,
      },
      { ...weights, globalFeature: options.globalFeature, localFeature: options.localFeature },
    );
  },
});
