export {
  registerOneDnnKernels,
  unregisterOneDnnKernels,
  oneDnnKernelStatus,
  ONEDNN_BACKENDS,
  ONEDNN_KERNEL_NAMES,
  type OneDnnRegistration,
  type OneDnnRegistrationResult,
  type RegisterOneDnnOptions,
} from './register-onednn-kernels';
export { oneDnnKernelCounts, resetOneDnnKernelCounts, type KernelCount, type KernelCounts } from './kernel-counts';
export { loadOneDnnAddon, addonCandidates, type AddonLoad, type OneDnnAddon } from './native-addon';
