import { z } from '@infomax/core';

/**
 * Options of the linear probe. Defaults suit tens of thousands of rows (Fashion-MNIST sized);
 * tiny problems want more epochs or full-batch training.
 */
export const linearProbeOptionsSchema = z.object({
  epochs: z.number().int().positive().default(20),
  learningRate: z.number().positive().default(1e-3),
  /** Rows per Adam step; any value >= the number of train rows means full-batch. */
  batchSize: z.number().int().positive().default(256),
  /** The L2 strength used when no candidates are given. */
  weightDecay: z.number().nonnegative().default(1e-4),
  /**
   * L2 strengths to choose from on a held-out part of the TRAIN split. The probe is then refitted
   * on the whole train split with the winner. The test split is never used for the choice.
   */
  weightDecayCandidates: z.array(z.number().nonnegative()).min(1).optional(),
  /** Fraction of train rows held out for choosing among `weightDecayCandidates`. */
  validationFraction: z.number().gt(0).lt(1).default(0.1),
  seed: z.number().int().default(0),
  /** Standardise features with train statistics first (recommended; off only for ready-made inputs). */
  standardize: z.boolean().default(true),
});

export type LinearProbeOptions = z.input<typeof linearProbeOptionsSchema>;
export type ResolvedLinearProbeOptions = z.output<typeof linearProbeOptionsSchema>;
