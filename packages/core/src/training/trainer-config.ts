import { z } from 'zod';
import { formatZodIssues } from '../registry/format-issues';
import type { LearningRateSchedule } from './learning-rate-schedule';

/** Adam's usual default; the presets set their own. */
export const DEFAULT_LEARNING_RATE = 1e-3;

const decaySchema = z
  .object({
    atStep: z.number().int().nonnegative().optional(),
    atFraction: z.number().min(0).max(1).optional(),
    factor: z.number().positive(),
  })
  .refine((d) => (d.atStep === undefined) !== (d.atFraction === undefined), {
    message: 'give exactly one of atStep or atFraction',
  });

export const optimizerSettingsSchema = z.object({
  /** Default: the group's own learningRate, else the main group's, else DEFAULT_LEARNING_RATE. */
  learningRate: z.number().positive().optional(),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  epsilon: z.number().positive().default(1e-8),
  weightDecay: z.number().min(0).default(0),
  decoupledWeightDecay: z.boolean().default(false),
  warmupSteps: z.number().int().nonnegative().default(0),
  decays: z.array(decaySchema).default([]),
  /** Clip this group's gradients to this global norm (overrides the trainer-wide clipNorm). */
  clipNorm: z.number().positive().optional(),
});

export const trainerConfigSchema = z
  .object({
    batchSize: z.number().int().positive().default(64),
    /** Total updates; give this or `epochs`. */
    steps: z.number().int().positive().optional(),
    epochs: z.number().int().positive().optional(),
    /** Drop the last incomplete batch of each epoch (keeps every step's batch size equal). */
    dropLastBatch: z.boolean().default(true),
    /** By group name: `main` and each of `objective.auxiliaryGroups()`. */
    optimizers: z.record(z.string(), optimizerSettingsSchema).default({}),
    /** Clip every group's gradients to this global norm unless the group sets its own. */
    clipNorm: z.number().positive().optional(),
    logEvery: z.number().int().positive().default(10),
    /** Write a checkpoint every this many steps (and at the end); 0 writes only at the end. */
    checkpointEvery: z.number().int().nonnegative().default(0),
    /** On a NaN/Inf loss: `stop` throws NonFiniteLossError; `skip` drops that step's update. */
    nanPolicy: z.enum(['stop', 'skip']).default('stop'),
  })
  .refine((c) => (c.steps === undefined) !== (c.epochs === undefined), {
    message: 'give exactly one of steps or epochs',
    path: ['steps'],
  });

export type TrainerConfig = z.input<typeof trainerConfigSchema>;
export type ResolvedTrainerConfig = z.output<typeof trainerConfigSchema>;
export type OptimizerSettings = z.output<typeof optimizerSettingsSchema>;

export class InvalidTrainerConfigError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(
      `Invalid trainer config:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`,
    );
    this.name = 'InvalidTrainerConfigError';
  }
}

export function parseTrainerConfig(config: TrainerConfig): ResolvedTrainerConfig {
  const parsed = trainerConfigSchema.safeParse(config);
  if (!parsed.success) throw new InvalidTrainerConfigError(formatZodIssues(parsed.error));
  return parsed.data;
}

/** Optimiser settings and schedule of one group, with the learning-rate fallbacks applied. */
export function resolveGroupSettings(
  config: ResolvedTrainerConfig,
  group: string,
  groupLearningRate: number | undefined,
  totalSteps: number,
): { settings: OptimizerSettings; schedule: LearningRateSchedule; clipNorm: number | undefined } {
  const own = config.optimizers[group];
  const settings = optimizerSettingsSchema.parse(own ?? {});
  const mainLearningRate = config.optimizers.main?.learningRate;
  const base = settings.learningRate ?? groupLearningRate ?? mainLearningRate ?? DEFAULT_LEARNING_RATE;
  return {
    settings: { ...settings, learningRate: base },
    schedule: { base, warmupSteps: settings.warmupSteps, decays: settings.decays, totalSteps },
    clipNorm: settings.clipNorm ?? config.clipNorm,
  };
}
