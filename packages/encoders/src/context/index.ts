export {
  GruContextNetwork,
  GRU_CONTEXT_NETWORK_DEFAULTS,
  type GruContextNetworkOptions,
  type ResolvedGruContextNetworkOptions,
} from './gru-context-network';
export {
  MaskedConvContextNetwork,
  MASKED_CONV_CONTEXT_NETWORK_DEFAULTS,
  type MaskedConvContextNetworkOptions,
  type ResolvedMaskedConvContextNetworkOptions,
} from './masked-conv-context-network';
