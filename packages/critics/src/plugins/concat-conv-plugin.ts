import { definePlugin, z } from '@infomax/core';
import { ConcatConvCritic } from '../concat-conv-critic';
import { positiveInt, requiredSize } from './channel-count';

export const concatConvOptionsSchema = z.object({
  globalChannels: requiredSize('the channel count of the global vector Y'),
  localChannels: requiredSize('the channel count of the local feature map'),
  hiddenUnits: positiveInt().default(512),
});

export const concatConvCriticPlugin = definePlugin({
  kind: 'critic',
  name: 'concat-conv',
  description: "DIM's local concat-and-convolve discriminator: Y tiled over the map, three 1x1 convs",
  optionsSchema: concatConvOptionsSchema,
  create: (options, context) => new ConcatConvCritic(options, context.rng),
});
