export { DimConvEncoder, DIM_CONV_ENCODER_DEFAULTS, type DimConvEncoderOptions, type ResolvedDimConvEncoderOptions } from './dim-conv-encoder';
export { DIM_INPUT_SIZES, DIM_LAYOUTS, type DimConvSpec, type DimInputSize } from './dim-layouts';
