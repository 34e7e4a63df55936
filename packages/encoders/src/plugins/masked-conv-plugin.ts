import { definePlugin, z } from '@infomax/core';
import { MaskedConvContextNetwork, MASKED_CONV_CONTEXT_NETWORK_DEFAULTS } from '../context/masked-conv-context-network';
import { oddPositiveInt, positiveInt, width } from './schemas';

const d = MASKED_CONV_CONTEXT_NETWORK_DEFAULTS;

export const maskedConvContextNetworkOptionsSchema = z.strictObject({
  inputDim: width().default(d.inputDim),
  channels: width().default(d.channels),
  blocks: z.number().int().nonnegative().default(d.blocks),
  kernelSize: oddPositiveInt().default(d.kernelSize),
});

export const maskedConvContextNetworkPlugin = definePlugin({
  kind: 'contextNetwork',
  name: 'masked-conv',
  description: 'PixelCNN-style masked conv net over a patch grid; row i sees rows <= i',
  optionsSchema: maskedConvContextNetworkOptionsSchema,
  create: (options, { rng }) => new MaskedConvContextNetwork(options, rng),
});
