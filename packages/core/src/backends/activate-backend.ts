import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from './wasm-kernels/register-wasm-training-kernels';
import { loadSimdKernels } from './wasm-simd/simd-kernels';

/**
 * Loads '@tensorflow/tfjs-backend-wasm' (a dynamic import, so bundles that never pick wasm can
 * split it out), registers the training kernels it lacks, and activates it. Throws with the
 * reason when the module cannot be loaded or the backend cannot initialise.
 */
export async function activateWasmBackend(): Promise<{ description: string }> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
  await activate('wasm');
  // infomax's SIMD kernels (gemm) run on the backend's memory; without them the training
  // kernels fall back to compositions of tfjs' own.
  await loadSimdKernels(tf.backend() as never);
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = wasm.getThreadsCount();
  return {
    description: `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}), kernels: portable`,
  };
}

/** tf.setBackend, turning its `false` into an error (tfjs itself warns with the cause). */
export async function activate(name: string): Promise<void> {
  if (tf.findBackendFactory(name) === null) {
    throw new Error(`no tfjs backend named '${name}' is registered`);
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`backend '${name}' failed to initialise (tfjs logged the cause above)`);
  await tf.ready();
}
