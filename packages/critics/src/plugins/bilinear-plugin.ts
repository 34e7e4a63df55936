import { definePlugin, z } from '@infomax/core';
import { BilinearCritic } from '../bilinear-critic';
import { positiveInt, requiredSize } from './channel-count';

export const bilinearOptionsSchema = z.object({
  steps: positiveInt().default(12),
  contextChannels: requiredSize('the channel count D_c of the contexts c_t'),
  frameChannels: requiredSize('the channel count D_z of the frames z_t'),
  negatives: z.enum(['same-step', 'all-steps']).default('same-step'),
});

export const bilinearCriticPlugin = definePlugin({
  kind: 'critic',
  name: 'bilinear',
  description: "CPC's critic: one W_k per prediction step k, score = (W_k c_t) . z_{t+k}",
  optionsSchema: bilinearOptionsSchema,
  create: (options, context) => new BilinearCritic(options, context.rng),
});
