import { definePlugin, z } from '@infomax/core';
import { CpcStridedEncoder1d, CPC_STRIDED_ENCODER_1D_DEFAULTS } from '../cpc/cpc-strided-encoder-1d';
import { positiveInt, width } from './schemas';

const d = CPC_STRIDED_ENCODER_1D_DEFAULTS;

export const cpcStridedEncoder1dOptionsSchema = z.strictObject({
  channels: width().default(d.channels),
  inChannels: positiveInt().default(d.inChannels),
  layers: z
    .array(z.strictObject({ kernelSize: positiveInt(), stride: positiveInt(), padding: z.number().int().nonnegative() }))
    .min(1)
    .default(d.layers.map((l) => ({ ...l }))),
});

export const cpcStridedEncoder1dPlugin = definePlugin({
  kind: 'encoder',
  name: 'cpc-strided-1d',
  description: 'CPC strided 1-D conv encoder: sequences [B,T,C] -> frames [B,T/160,channels]',
  optionsSchema: cpcStridedEncoder1dOptionsSchema,
  create: (options, { rng }) => new CpcStridedEncoder1d(options, rng),
});
