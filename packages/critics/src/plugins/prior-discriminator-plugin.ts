import { definePlugin, z } from '@infomax/core';
import { PriorDiscriminator } from '../prior-discriminator';
import { positiveInt } from './channel-count';

export const priorDiscriminatorOptionsSchema = z.object({
  inUnits: positiveInt().default(64),
  hiddenUnits: z.tuple([positiveInt(), positiveInt()]).default([1000, 200]),
});

export const priorDiscriminatorPlugin = definePlugin({
  kind: 'critic',
  name: 'prior-discriminator',
  description: "DIM's prior-matching discriminator (FC 1000 -> 200 -> 1) with a gradient-penalty helper",
  optionsSchema: priorDiscriminatorOptionsSchema,
  create: (options, context) => new PriorDiscriminator(options, context.rng),
});
