// The block masks live in core (objectives need them too and may not depend on critics);
// re-exported here so critics' public API is unchanged.
export { blockMask, sameImageBlockMask } from '@infomax/core';
export { diagonalMask } from './diagonal-mask';
