export { blockMask } from './block-mask';
export { diagonalMask } from './diagonal-mask';
export { sameImageBlockMask } from './same-image-block-mask';
