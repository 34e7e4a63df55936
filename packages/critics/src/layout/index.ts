export { applyPointwise } from './pointwise';
export { locationLayout, type LocationLayout } from './location-layout';
