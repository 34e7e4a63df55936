import { definePlugin, z } from '@infomax/core';
import { DimGlobalDiscriminator } from '../dim-global-discriminator';
import { positiveInt, requiredSize } from './channel-count';

const mapSide = () => requiredSize('the height and width of the local map (a number, or [height, width])').min(
    5,
    'must be at least 5: the two valid 3x3 convs shrink the map by 4',
  );

export const dimGlobalOptionsSchema = z.object({
  globalChannels: requiredSize('the channel count of the global vector Y'),
  localChannels: requiredSize('the channel count of the local feature map'),
  mapSize: z.union([mapSide(), z.tuple([mapSide(), mapSide()])], {
    error: (issue) =>
      issue.input === undefined
        ? 'required: the height and width of the local map (a number, or [height, width])'
        : 'must be an integer >= 5 or a pair [height, width] of them',
  }),
  convChannels: z.tuple([positiveInt(), positiveInt()]).default([64, 32]),
  hiddenUnits: positiveInt().default(512),
});

export const dimGlobalCriticPlugin = definePlugin({
  kind: 'critic',
  name: 'dim-global',
  description: "DIM's global discriminator: two 3x3 convs on the map, concat Y, three FC layers; all (Y_i, map_j) pairs",
  optionsSchema: dimGlobalOptionsSchema,
  create: (options, context) => new DimGlobalDiscriminator(options, context.rng),
});
