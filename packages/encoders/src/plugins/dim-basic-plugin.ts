import { definePlugin, z } from '@infomax/core';
import { DimConvEncoder, DIM_CONV_ENCODER_DEFAULTS } from '../dim/dim-conv-encoder';
import { positiveInt, width } from './schemas';

const d = DIM_CONV_ENCODER_DEFAULTS;

export const dimBasicEncoderOptionsSchema = z.strictObject({
  inputSize: z.union([z.literal(28), z.literal(32)]).default(d.inputSize),
  inChannels: positiveInt().default(d.inChannels),
  yDim: width().default(d.yDim),
  widths: z.tuple([width(), width(), width()]).default([...d.widths]),
  fcUnits: width().default(d.fcUnits),
});

export const dimBasicEncoderPlugin = definePlugin({
  kind: 'encoder',
  name: 'dim-basic',
  description: 'Deep InfoMax conv encoder for 28 or 32 px images: global (Y), local, conv, fc',
  optionsSchema: dimBasicEncoderOptionsSchema,
  create: (options, { rng }) => new DimConvEncoder(options, rng),
});
