export { Module } from './module';
export { initialize, noisyIdentity, type InitializerName } from './initializers';
export { Conv2d, type Conv2dOptions } from './conv2d';
export { Dense, type DenseOptions } from './dense';
export { BatchNorm, type BatchNormOptions } from './batch-norm';
export { LayerNorm, type LayerNormOptions } from './layer-norm';
