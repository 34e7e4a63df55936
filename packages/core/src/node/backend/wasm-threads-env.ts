import { availableParallelism } from 'node:os';
import { MAX_THREADS } from '../../backends/wasm-threads/threaded-kernels';

/** Threads for infomax's wasm gemm / convolutions: a number, or 'auto'. */
export const WASM_THREADS_ENV_VAR = 'INFOMAX_WASM_THREADS';
/** '0' keeps relaxed SIMD (fused multiply-add) off in Node versions that need a flag for it. */
export const RELAXED_SIMD_ENV_VAR = 'INFOMAX_WASM_RELAXED_SIMD';
/** '0' computes filter gradients in the foreground (see `setWasmBackgroundGradients`). */
export const BACKGROUND_GRADIENTS_ENV_VAR = 'INFOMAX_WASM_BACKGROUND_GRADIENTS';
/** '0' computes 4x4 stride-2 convolutions without the Winograd form (see `setWasmWinogradConvolutions`). */
export const WINOGRAD_ENV_VAR = 'INFOMAX_WASM_WINOGRAD';

/** Threads used when neither the option nor INFOMAX_WASM_THREADS says (see docs/benchmarks.md). */
export const DEFAULT_WASM_THREADS = 'auto';

/** 'auto': every core up to 4 (measured: a second core helps even when another job shares it). */
export function autoWasmThreads(): number {
  return Math.max(1, Math.min(availableParallelism(), 4, MAX_THREADS));
}

/**
 * The thread count: the option, else INFOMAX_WASM_THREADS, else the default. Throws naming the
 * source and the valid values when it is not 'auto' or a whole number from 1 to MAX_THREADS.
 */
export function requestedWasmThreads(
  option: number | 'auto' | undefined,
  env: Readonly<Record<string, string | undefined>>,
): number {
  const fromEnv = env[WASM_THREADS_ENV_VAR]?.trim();
  const value = option ?? (fromEnv ? fromEnv : undefined) ?? DEFAULT_WASM_THREADS;
  if (value === 'auto') return autoWasmThreads();
  const threads = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS) return threads;
  const origin = option !== undefined ? 'the wasmThreads option' : WASM_THREADS_ENV_VAR;
  throw new Error(`Invalid wasm thread count '${String(value)}' (from ${origin}): use 'auto' or a whole number from 1 to ${MAX_THREADS}.`);
}

/** Whether to turn relaxed SIMD on: yes unless INFOMAX_WASM_RELAXED_SIMD is '0' or 'false'. */
export function relaxedSimdWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env[RELAXED_SIMD_ENV_VAR]?.trim().toLowerCase();
  return value !== '0' && value !== 'false';
}

/** Whether filter gradients may run in the background: yes unless INFOMAX_WASM_BACKGROUND_GRADIENTS is '0' or 'false'. */
export function backgroundGradientsWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env[BACKGROUND_GRADIENTS_ENV_VAR]?.trim().toLowerCase();
  return value !== '0' && value !== 'false';
}

/** Whether 4x4 stride-2 convolutions take the Winograd form: yes unless INFOMAX_WASM_WINOGRAD is '0' or 'false'. */
export function winogradWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env[WINOGRAD_ENV_VAR]?.trim().toLowerCase();
  return value !== '0' && value !== 'false';
}
