import { z } from 'zod';
import { pluginSelectionSchema } from '../registry/plugin-selection';

/**
 * The plugin choices of a run. Each present kind is bound to its token in the container; the
 * objective usually asks for the others itself, so most configs name an objective plus overrides.
 */
export const infomaxConfigSchema = z.object({
  seed: z.number().int().nonnegative().default(0),
  encoder: pluginSelectionSchema.optional(),
  contextNetwork: pluginSelectionSchema.optional(),
  critic: pluginSelectionSchema.optional(),
  bound: pluginSelectionSchema.optional(),
  viewGenerator: pluginSelectionSchema.optional(),
  objective: pluginSelectionSchema.optional(),
});

export type InfomaxConfig = z.output<typeof infomaxConfigSchema>;
export type InfomaxConfigInput = z.input<typeof infomaxConfigSchema>;
