export type { BackendChoice, BackendLog } from './backend-choice';
export { announceBackend, resetBackendAnnouncement } from './announce-backend';
export { initBackend, PORTABLE_BACKENDS, type InitBackendOptions, type PortableBackendName } from './init-backend';
export { registerWasmTrainingKernels, wasmTrainingKernelStatus } from './wasm-kernels/register-wasm-training-kernels';
export { loadSimdKernels, setSimdKernelsEnabled } from './wasm-simd/simd-kernels';
