import { initBackend } from '../backends/init-backend';

/** The backends numeric suites run on here, and the float32 tolerance that fits each. */
export const TEST_BACKENDS: readonly { name: 'cpu' | 'wasm'; tolerance: number }[] = [
  { name: 'cpu', tolerance: 1e-5 },
  { name: 'wasm', tolerance: 1e-5 },
];

/**
 * Switches the global tfjs backend for a test suite: the same loading as `initBackend` (wasm
 * with infomax's training kernels), silently, and throwing if the backend cannot start.
 */
export async function useBackend(name: string): Promise<void> {
  await initBackend({ backend: name, log: false });
}
