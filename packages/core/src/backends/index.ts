export { registerWasmTrainingKernels } from './wasm-kernels/register-wasm-training-kernels';
