import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from '../backends/wasm-kernels/register-wasm-training-kernels';

/** The backends numeric suites run on here, and the float32 tolerance that fits each. */
export const TEST_BACKENDS: readonly { name: 'cpu' | 'wasm'; tolerance: number }[] = [
  { name: 'cpu', tolerance: 1e-5 },
  { name: 'wasm', tolerance: 1e-5 },
];

/** Switches the global tfjs backend for a test suite (loading wasm and its training kernels). */
export async function useBackend(name: string): Promise<void> {
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmTrainingKernels();
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`Backend '${name}' failed to initialise`);
  await tf.ready();
}
