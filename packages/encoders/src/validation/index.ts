export { convOutputSize } from './conv-arithmetic';
export { assertImageInput, assertImageShape, type ImageInputExpectation } from './image-input';
