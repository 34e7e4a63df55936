export {
  CpcStridedEncoder1d,
  CPC_STRIDED_ENCODER_1D_DEFAULTS,
  CPC_STRIDED_LAYERS,
  type CpcStridedEncoder1dOptions,
  type ResolvedCpcStridedEncoder1dOptions,
  type StridedConvSpec,
} from './cpc-strided-encoder-1d';
export { CpcPatchEncoder, CPC_PATCH_ENCODER_DEFAULTS, type CpcPatchEncoderOptions, type ResolvedCpcPatchEncoderOptions } from './cpc-patch-encoder';
export { PatchResidualBlock, type PatchResidualBlockOptions } from './patch-residual-block';
