export { ShapeError } from './shape-error';
export { assertShape, assertShapes, assertSameShape, type DimSpec } from './shape-assertions';
export { logSumExp, maskedLogSoftmax } from './log-sum-exp';
export { detached, stopGradient } from './stop-gradient';
export { registerTileGradient, tileGradient } from './tile-gradient';
export { blockMask } from './block-mask';
export { sameImageBlockMask } from './same-image-block-mask';
