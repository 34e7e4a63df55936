import { pluginSelectionSchema, type PluginSelection, z } from '@infomax/core';

/** A plugin selection inside an objective's options, with a default. */
export function partSelection(defaults: PluginSelection) {
  return pluginSelectionSchema.default(defaults);
}

/**
 * Options the objective derives from the data (channel counts, widths) go in *under* the
 * user's: a user's explicit value always wins. Plugins whose schemas do not know a key ignore it
 * (zod objects strip unknown keys), so custom plugins need not accept them.
 */
export function withDerivedOptions(selection: PluginSelection, derived: Record<string, unknown>): PluginSelection {
  return { name: selection.name, options: { ...derived, ...(selection.options ?? {}) } };
}

export const probeOptionsSchema = z
  .union([
    z.literal(false),
    z.object({
      numClasses: z.number().int().min(2),
      hiddenUnits: z.number().int().nonnegative().default(0),
      learningRate: z.number().positive().default(1e-3),
    }),
  ])
  .default(false);

export type ProbeOptions = z.output<typeof probeOptionsSchema>;
