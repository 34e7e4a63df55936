export * from './amdim';
export * from './dim';
export * from './cpc';
export * from './context';
export * from './layers';
export * from './plugins';
export { assertImageInput, assertImageShape, convOutputSize, type ImageInputExpectation } from './validation';
