import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from './wasm-kernels/register-wasm-training-kernels';
import { registerReluGradient } from './wasm-kernels/relu-gradient';
import { loadSimdKernels, simdKernelsFor } from './wasm-simd/simd-kernels';
import { whileSharingWasmMemories } from './wasm-threads/shared-heap';
import { wasmGemmThreads } from './wasm-threads/wasm-gemm-threads';

/**
 * Loads '@tensorflow/tfjs-backend-wasm' (a dynamic import, so bundles that never pick wasm can
 * split it out), registers the training kernels it lacks, and activates it, with its heap on a
 * SharedArrayBuffer when `sharedHeap` (for infomax's helper threads). Throws with the reason
 * when the module cannot be loaded or the backend cannot initialise.
 */
export async function activateWasmBackend({ sharedHeap = false }: { sharedHeap?: boolean } = {}): Promise<{ description: string }> {
  await import('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
  registerReluGradient();
  // A shared heap lets infomax's helper threads work on tensors in place. Only a backend that
  // starts now can get one; one already running keeps its heap (threads then copy operands).
  if (sharedHeap && tf.findBackend('wasm') === null) await whileSharingWasmMemories(() => activate('wasm'));
  else await activate('wasm');
  // infomax's SIMD kernels (gemm) run on the backend's memory; without them the training
  // kernels fall back to compositions of tfjs' own.
  await loadSimdKernels(tf.backend() as never);
  return { description: await describeWasmBackend() };
}

/**
 * `wasm (SIMD, 1 thread), kernels: portable`; `SIMD + FMA` when infomax's gemm uses relaxed
 * SIMD, and the threads its gemm and convolutions run on (`setWasmGemmThreads`) when more than
 * tfjs' own.
 */
export async function describeWasmBackend(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const fma = simdKernelsFor(tf.backend())?.fma === true;
  const threads = Math.max(wasm.getThreadsCount(), wasmGemmThreads());
  return `wasm (${simd ? (fma ? 'SIMD + FMA' : 'SIMD') : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}), kernels: portable`;
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
