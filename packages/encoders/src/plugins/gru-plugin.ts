import { definePlugin, z } from '@infomax/core';
import { GruContextNetwork, GRU_CONTEXT_NETWORK_DEFAULTS } from '../context/gru-context-network';
import { positiveInt, width } from './schemas';

const d = GRU_CONTEXT_NETWORK_DEFAULTS;

export const gruContextNetworkOptionsSchema = z.strictObject({
  inputDim: width().default(d.inputDim),
  hiddenSize: width().default(d.hiddenSize),
});

export const gruContextNetworkPlugin = definePlugin({
  kind: 'contextNetwork',
  name: 'gru',
  description: 'Causal GRU over frames [B,T,inputDim] -> contexts [B,T,hiddenSize]',
  optionsSchema: gruContextNetworkOptionsSchema,
  create: (options, { rng }) => new GruContextNetwork(options, rng),
});
