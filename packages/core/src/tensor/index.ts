export { ShapeError } from './shape-error';
export { assertShape, assertShapes, assertSameShape, type DimSpec } from './shape-assertions';
export { logSumExp, maskedLogSoftmax } from './log-sum-exp';
export { stopGradient } from './stop-gradient';
