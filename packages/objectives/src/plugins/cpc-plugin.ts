import { definePlugin, pluginSelectionSchema, z, type Bound, type ContextNetwork, type Critic, type Encoder, type PluginSelection } from '@infomax/core';
import { CpcObjective, type CpcMode } from '../cpc/cpc-objective';
import { OnlineProbe } from '../probe/online-probe';
import { partSelection, probeOptionsSchema, withDerivedOptions } from '../shared/part-selection';
import { patchCount } from '../shared/patch-grid';
import { contextChannelsOf } from './context-channels';
import { encoderSelectionFor } from './encoder-input-options';
import { channelsOf, exampleShapeSchema } from './shapes';

/** Per mode: the parts and sizes used when the config does not name them. */
export const CPC_DEFAULTS = {
  sequence: {
    /** The paper's 20480-sample windows (128 frames after the 160x down-sampling). */
    inputShape: [20480, 1],
    encoder: { name: 'cpc-strided-1d' },
    contextNetwork: { name: 'gru' },
    /** K = 12, capped at T' − 1 frames. */
    maxSteps: 12,
  },
  image: {
    /** 32x32 images; patch 8, stride 4 -> a 7x7 grid (CPC v1: 64/32 on 256x256, also 7x7). */
    inputShape: [32, 32, 3],
    encoder: { name: 'cpc-patch' },
    contextNetwork: { name: 'masked-conv' },
    /** K = 2 rows ahead, capped at gh − 1. */
    maxSteps: 2,
  },
} as const satisfies Record<CpcMode, { inputShape: number[]; encoder: PluginSelection; contextNetwork: PluginSelection; maxSteps: number }>;

export const cpcObjectiveOptionsSchema = z.strictObject({
  mode: z.enum(['sequence', 'image']).default('sequence'),
  /** One example: [T, C] for sequences (default [20480, 1]), [H, W, C] for images (default [32, 32, 3]). */
  inputShape: exampleShapeSchema.optional(),
  /** Default 'cpc-strided-1d' (sequence) / 'cpc-patch' (image). */
  encoder: pluginSelectionSchema.optional(),
  /** Frames / grid feature of the encoder; default 'frames' / 'grid'. */
  feature: z.string().min(1).optional(),
  /** Default 'gru' / 'masked-conv'; receives inputDim = the encoder's channel count. */
  contextNetwork: pluginSelectionSchema.optional(),
  /** Receives contextChannels, frameChannels, steps (and antecedentChannels, consequentChannels, units for pair scorers). */
  critic: partSelection({ name: 'bilinear' }),
  /** K; default min(12, T' − 1) for sequences, min(2, gh − 1) for images. */
  steps: z.number().int().positive().optional(),
  bound: partSelection({ name: 'infonce' }),
  /** Image mode: patch size and stride of the grid (the view generator's, for views given as images and for `features`). */
  patchSize: z.number().int().positive().default(8),
  stride: z.number().int().positive().default(4),
  probe: probeOptionsSchema,
});

export type CpcObjectiveOptionsInput = z.input<typeof cpcObjectiveOptionsSchema>;

export const cpcObjectivePlugin = definePlugin({
  kind: 'objective',
  name: 'cpc',
  description: 'Contrastive Predictive Coding: contexts c_t predict z_{t+k}, k = 1..K (sequences, or rows of a patch grid)',
  optionsSchema: cpcObjectiveOptionsSchema,
  create: (options, context) => {
    const mode = options.mode;
    const defaults = CPC_DEFAULTS[mode];
    const inputShape = options.inputShape ?? [...defaults.inputShape];
    const feature = options.feature ?? (mode === 'image' ? 'grid' : 'frames');
    const encoderSelection = options.encoder ?? defaults.encoder;
    if (mode === 'image' && inputShape.length !== 3) {
      throw new Error(`CPC (image) needs inputShape [H, W, C], got [${inputShape.join(', ')}]`);
    }
    if (mode === 'sequence' && inputShape.length !== 2) {
      throw new Error(`CPC (sequence) needs inputShape [T, C], got [${inputShape.join(', ')}]`);
    }
    const encoder = context.create<Encoder>('encoder', encoderSelectionFor(encoderSelection, inputShape), 'encoder');
    // What the encoder reads: a window [T, C], or the patch grid [gh, gw, p, p, C] of one image.
    const encoderInput =
      mode === 'image'
        ? [
            patchCount(inputShape[0]!, options.patchSize, options.stride),
            patchCount(inputShape[1]!, options.patchSize, options.stride),
            options.patchSize,
            options.patchSize,
            inputShape[2]!,
          ]
        : inputShape;
    if (encoderInput.some((d) => d < 1)) {
      throw new Error(`CPC (image): patches of ${options.patchSize} do not fit the ${inputShape[0]}x${inputShape[1]} images`);
    }
    const featureShape = encoder.featureShapes(encoderInput)[feature];
    const frameChannels = channelsOf(featureShape, feature, encoderSelection.name);
    const length = featureShape![0]!; // T' frames, or gh rows
    const contextNetwork = context.create<ContextNetwork>(
      'contextNetwork',
      withDerivedOptions(options.contextNetwork ?? defaults.contextNetwork, { inputDim: frameChannels }),
      'contextNetwork',
    );
    const contextChannels = contextChannelsOf(contextNetwork, featureShape!);
    const steps = (options.critic.options?.steps as number | undefined) ?? options.steps ?? Math.min(defaults.maxSteps, length - 1);
    if (steps >= length) {
      const unit = mode === 'image' ? `grid rows (gh = ${length})` : `frames (T' = ${length})`;
      throw new Error(
        `CPC: predicting ${steps} steps ahead needs more than ${steps} ${unit}; lower 'steps' or use larger inputs ` +
          `(inputShape [${inputShape.join(', ')}])`,
      );
    }
    const critic = context.create<Critic>(
      'critic',
      withDerivedOptions(options.critic, {
        contextChannels,
        frameChannels,
        steps,
        antecedentChannels: contextChannels,
        consequentChannels: frameChannels,
        units: frameChannels,
      }),
      'critic',
    );
    return new CpcObjective(
      {
        encoder,
        contextNetwork,
        critic,
        bound: context.create<Bound>('bound', options.bound, 'bound'),
        probe: options.probe
          ? new OnlineProbe({ featureDim: mode === 'image' ? frameChannels : contextChannels, ...options.probe }, context.rng.fork('probe'))
          : undefined,
      },
      { mode, steps, feature, patchSize: options.patchSize, stride: options.stride },
    );
  },
});
