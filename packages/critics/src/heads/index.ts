export { HEAD_KINDS, type HeadKind, type ProjectionHead } from './projection-head';
export { AmdimResidualHead, type AmdimResidualHeadOptions } from './amdim-residual-head';
export { DimEncodeAndDotHead, type DimEncodeAndDotHeadOptions } from './dim-encode-and-dot-head';
export { createProjectionHead } from './create-projection-head';
