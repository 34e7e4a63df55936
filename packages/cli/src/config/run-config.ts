import { pluginSelectionSchema, trainerConfigSchema, z } from '@infomax/core';
import { datasetSpecSchema } from '@infomax/data/node';
import { knnOptionsSchema, linearProbeOptionsSchema } from '@infomax/eval';

/** What `infomax eval` does with a run: sizes of the splits, the probe and the kNN. */
export const evalConfigSchema = z.object({
  /** Examples of the train split to fit the probe on (the first N); `--max-train` overrides. */
  maxTrain: z.number().int().positive().default(10_000),
  /** Examples of the test split to score (the first N); `--max-test` overrides. */
  maxTest: z.number().int().positive().default(2_000),
  /** Examples per featurizer call. */
  batchSize: z.number().int().positive().default(256),
  linearProbe: linearProbeOptionsSchema.prefault({ weightDecayCandidates: [0, 1e-4, 1e-3, 1e-2] }),
  /** `false` skips kNN. */
  knn: z.union([z.literal(false), knnOptionsSchema]).prefault({}),
  /**
   * Which of the encoder's features to probe (e.g. AMDIM's `f1` / `f5` / `f7`, DIM's `global` /
   * `fc` / `conv` / `local`); default: the objective's own choice (AMDIM f1, DIM Y, CPC contexts).
   */
  feature: z.string().min(1).optional(),
  /** Seed of the randomly initialised baseline (same config, never trained); default: seed + 1. */
  baselineSeed: z.number().int().nonnegative().optional(),
});

/**
 * Where `infomax train` generates the views: on worker threads, steps ahead of training, or in
 * the training step (count 0). Neither field changes the results, only the speed.
 */
export const viewWorkersConfigSchema = z.object({
  /** Worker threads; default $INFOMAX_VIEW_WORKERS, else one per core beyond two, at most `prefetch` (none on 2 cores). */
  count: z.number().int().nonnegative().max(64).optional(),
  /** Steps prepared ahead of the one being trained. */
  prefetch: z.number().int().nonnegative().max(64).default(2),
});

/**
 * Everything a run needs, resolved from a preset, a config file and the flags: `infomax train`
 * writes it to `<run>/config.json` before training, and `--resume`, `eval` and `report` read it.
 */
export const runConfigSchema = z.object({
  /**
   * The preset this config started from, for the record. It names the default run folder
   * (runs/<preset>-<date>-<time>), so it must be a plain name, not a path.
   */
  preset: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "must be a plain name (letters, digits, '-' and '_'; it names the default run folder)")
    .optional(),
  /** Seeds the weights (through the container), shuffling, views and per-step randomness. */
  seed: z.number().int().nonnegative().default(0),
  data: datasetSpecSchema,
  objective: pluginSelectionSchema,
  viewGenerator: pluginSelectionSchema,
  trainer: trainerConfigSchema,
  viewWorkers: viewWorkersConfigSchema.prefault({}),
  eval: evalConfigSchema.prefault({}),
});

export type RunConfig = z.output<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;
export type EvalConfig = z.output<typeof evalConfigSchema>;
export type ViewWorkersConfig = z.output<typeof viewWorkersConfigSchema>;
export type DataSpec = z.output<typeof datasetSpecSchema>;
