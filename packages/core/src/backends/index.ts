export type { BackendChoice, BackendLog } from './backend-choice';
export { announceBackend, resetBackendAnnouncement } from './announce-backend';
export { initBackend, PORTABLE_BACKENDS, type InitBackendOptions, type PortableBackendName } from './init-backend';
export { registerWasmTrainingKernels, wasmTrainingKernelStatus } from './wasm-kernels/register-wasm-training-kernels';
export { registerReluGradient } from './wasm-kernels/relu-gradient';
export { loadSimdKernels, setSimdKernelsEnabled } from './wasm-simd/simd-kernels';
// Kernel authoring for other packages: wasm SIMD functions written in TypeScript, run on the wasm backend's heap.
export { FunctionWriter, assembleModule, I32, F32, V128, type Local, type ValType } from './wasm-simd/wasm-assembler';
export { wasmKernelModule } from './wasm-simd/wasm-kernel-module';
export { setWasmGemmThreads, setWasmThreadedRowPasses, wasmGemmThreads, wasmThreadedRowPasses } from './wasm-threads/wasm-gemm-threads';
export { setWasmBackgroundGradients, wasmBackgroundGradients } from './wasm-kernels/background-gradients';
export { setWasmWinogradConvolutions, wasmWinogradConvolutions } from './wasm-kernels/winograd-conv';
export { registerHelperLauncher, type HelperHandle, type HelperLauncher, type HelperStart } from './wasm-threads/helper-launcher';
export { WasmThreadsError } from './wasm-threads/wasm-threads-error';
export type { ThreadThresholds } from './wasm-threads/thread-thresholds';
