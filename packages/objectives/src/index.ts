export { amdimMultiNce, type AmdimEmbeddings, type AmdimMultiNceOptions, type AmdimMultiNceResult } from './amdim/multiscale-nce';
export { drawLocations, selectLocations } from './amdim/select-locations';
export { sameImageMask } from './shared/same-image-mask';
export { asBoundFunction, type BoundLike } from './shared/bound-function';
