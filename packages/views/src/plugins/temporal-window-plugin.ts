import { definePlugin, z, type ViewGenerator } from '@infomax/core';
import { TemporalWindowViewGenerator } from '../generators/temporal-window-view-generator';

export const temporalWindowOptionsSchema = z.object({
  /** Window length in steps; the CPC paper cuts 20480-sample windows of raw audio. */
  length: z.number().int().positive().default(20480),
});

/** `{ window: [B, length, C] }`: a random crop of each sequence (CPC on sequences). */
export const temporalWindowPlugin = definePlugin<ViewGenerator, typeof temporalWindowOptionsSchema>({
  kind: 'viewGenerator',
  name: 'temporal-window',
  description: 'A random window of fixed length from each sequence',
  optionsSchema: temporalWindowOptionsSchema,
  create: ({ length }) => new TemporalWindowViewGenerator(length),
});
