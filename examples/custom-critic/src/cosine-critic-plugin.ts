import { definePlugin, pluginModule, z } from '@infomax/core';
import { CosineCritic } from './cosine-critic';

/**
 * A plain `z.object` (not strict): objectives pass the sizes they know (`antecedentChannels`,
 * `consequentChannels`, `units`) plus keys other critics use, and this schema keeps the ones it
 * declares. The channel counts have no default on purpose: AMDIM derives them from its encoder,
 * and a config that selects this critic on its own must say them.
 */
export const cosineCriticOptionsSchema = z.object({
  antecedentChannels: z.number().int().positive(),
  consequentChannels: z.number().int().positive(),
  units: z.number().int().positive().default(64),
  initialTemperature: z.number().positive().default(0.1),
  learnTemperature: z.boolean().default(true),
  maxScale: z.number().positive().default(100),
});

export const cosineCriticPlugin = definePlugin({
  kind: 'critic',
  name: 'cosine',
  description: 'Separable critic: cosine similarity of linear projections divided by a learned temperature',
  optionsSchema: cosineCriticOptionsSchema,
  // context.rng is this plugin's own seeded stream (forked by the objective's role for it, e.g.
  // 'critic5'), so one seed reproduces the weights.
  create: (options, context) => new CosineCritic(options, context.rng),
});

/** What an application loads next to the library's modules to make 'cosine' selectable by name. */
export const cosineCriticModule = pluginModule([cosineCriticPlugin]);
