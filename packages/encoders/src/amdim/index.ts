export { AmdimEncoder, AMDIM_ENCODER_DEFAULTS, type AmdimEncoderOptions, type ResolvedAmdimEncoderOptions } from './amdim-encoder';
export { AmdimResidualUnit, type AmdimResidualUnitOptions } from './amdim-residual-unit';
export { AmdimBlock, type AmdimBlockOptions } from './amdim-block';
export { AmdimStem, type AmdimStemOptions } from './amdim-stem';
export {
  AMDIM_INPUT_SIZES,
  AMDIM_LAYOUTS,
  type AmdimInputSize,
  type AmdimLayerSpec,
  type AmdimTap,
  type AmdimWidth,
} from './amdim-layouts';
