import { z } from 'zod';

/** A config's choice of one plugin: its registered name and its options. */
export const pluginSelectionSchema = z.object({
  name: z.string().min(1, 'name must name a registered plugin'),
  options: z.record(z.string(), z.unknown()).optional(),
});

export type PluginSelection = z.infer<typeof pluginSelectionSchema>;
