export { initNodeBackend, type InitNodeBackendOptions } from './init-node-backend';
export { BACKEND_ENV_VAR, NODE_BACKENDS, requestedNodeBackend, type NodeBackendName } from './node-backend-names';
export { importModule, isModuleNotFound, type ModuleLoader } from './module-loader';
export {
  autoWasmThreads,
  BACKGROUND_GRADIENTS_ENV_VAR,
  backgroundGradientsWanted,
  DEFAULT_WASM_THREADS,
  RELAXED_SIMD_ENV_VAR,
  relaxedSimdWanted,
  requestedWasmThreads,
  WASM_THREADS_ENV_VAR,
  WINOGRAD_ENV_VAR,
  winogradWanted,
} from './wasm-threads-env';
export { enableRelaxedSimd } from './relaxed-simd';
export { nodeHelperLauncher } from './worker-helper-launcher';
