import { definePlugin, z } from '@infomax/core';
import { AmdimEncoder, AMDIM_ENCODER_DEFAULTS } from '../amdim/amdim-encoder';
import { positiveInt, width } from './schemas';

const d = AMDIM_ENCODER_DEFAULTS;

export const amdimEncoderOptionsSchema = z.strictObject({
  inputSize: z.union([z.literal(32), z.literal(64), z.literal(128)]).default(d.inputSize),
  ndf: width().default(d.ndf),
  nRkhs: width().default(d.nRkhs),
  depth: positiveInt().default(d.depth),
  inChannels: positiveInt().default(d.inChannels),
  useBatchNorm: z.boolean().default(d.useBatchNorm),
});

export const amdimEncoderPlugin = definePlugin({
  kind: 'encoder',
  name: 'amdim',
  description: 'AMDIM ResNet for 32/64/128 px images: f1 [1,1,nRkhs], f5 [5,5,w], f7 [7,7,w]',
  optionsSchema: amdimEncoderOptionsSchema,
  create: (options, { rng }) => new AmdimEncoder(options, rng),
});
