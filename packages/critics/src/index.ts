export { blockMask, diagonalMask, sameImageBlockMask } from './masks';
export { applyPointwise, locationLayout, type LocationLayout } from './layout';
export {
  HEAD_KINDS,
  AmdimResidualHead,
  DimEncodeAndDotHead,
  createProjectionHead,
  type HeadKind,
  type ProjectionHead,
  type AmdimResidualHeadOptions,
  type DimEncodeAndDotHeadOptions,
} from './heads';
export { dotProductScores, type DotProductScoresOptions } from './dot-product-scores';
export { DotProductCritic, dotProductOptionProblems, type DotProductCriticOptions } from './dot-product-critic';
export { BilinearCritic, type BilinearCriticOptions, type BilinearNegatives } from './bilinear-critic';
export { ConcatConvCritic, type ConcatConvCriticOptions } from './concat-conv-critic';
export { DimGlobalDiscriminator, type DimGlobalDiscriminatorOptions } from './dim-global-discriminator';
export { PriorDiscriminator, type PriorDiscriminatorOptions } from './prior-discriminator';
export { gradientPenalty } from './gradient-penalty';
export * from './plugins';
