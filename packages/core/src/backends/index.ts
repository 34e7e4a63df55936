export type { BackendChoice, BackendLog } from './backend-choice';
export { announceBackend, resetBackendAnnouncement } from './announce-backend';
export { initBackend, PORTABLE_BACKENDS, type InitBackendOptions, type PortableBackendName } from './init-backend';
export { registerWasmTrainingKernels, wasmTrainingKernelStatus } from './wasm-kernels/register-wasm-training-kernels';
export { loadSimdKernels, setSimdKernelsEnabled } from './wasm-simd/simd-kernels';
export { setWasmGemmThreads, wasmGemmThreads } from './wasm-threads/wasm-gemm-threads';
export { registerHelperLauncher, type HelperHandle, type HelperLauncher, type HelperStart } from './wasm-threads/helper-launcher';
export { WasmThreadsError } from './wasm-threads/wasm-threads-error';
export type { ThreadThresholds } from './wasm-threads/thread-thresholds';
