export { Conv1d, type Conv1dOptions } from './conv1d';
export { RowCausalConv2d, type RowCausalConv2dOptions } from './row-causal-conv2d';
export { GruCell, type GruCellOptions } from './gru-cell';
export { avgPoolShortcut } from './avg-pool-shortcut';
export { createNorm, applyNorm, NORM_KINDS, type NormKind, type NormLayer } from './norm-layer';
