export { infoNce } from './info-nce';
export { composedInfoNce } from './composed-info-nce';
export {
  INFO_NCE_KERNEL,
  INFO_NCE_GRAD_KERNEL,
  registerFusedInfoNceKernels,
  fusedInfoNceAvailable,
} from './fused-info-nce-kernels';
export { jsd } from './jsd';
export { donskerVaradhan } from './donsker-varadhan';
export { nwj } from './nwj';
export type { BoundOptions, InfoNceOptions } from './bound-options';
export { assertBoundInputs, assertValidPositiveMask } from './bound-inputs';
export { logAddExp, expWithLinearTail } from './stable-math';
export { InfoNceBound } from './info-nce-bound';
export { JsdBound } from './jsd-bound';
export { DonskerVaradhanBound } from './donsker-varadhan-bound';
export { NwjBound } from './nwj-bound';
export {
  boundDefinitions,
  infoNceBoundDefinition,
  jsdBoundDefinition,
  donskerVaradhanBoundDefinition,
  nwjBoundDefinition,
} from './bound-definitions';
export { boundsModule } from './bounds-module';
