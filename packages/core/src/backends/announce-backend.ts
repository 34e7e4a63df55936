import type { BackendChoice, BackendLog } from './backend-choice';

// Kept on globalThis so that every copy of this module in the process (the main and the /node
// bundle each carry one) shares it: "once per process" means once.
const ANNOUNCED = Symbol.for('@infomax/core/backend-announced');
const state = globalThis as { [ANNOUNCED]?: boolean };

/**
 * Prints the chosen backend once per process (`infomax: backend wasm (SIMD, 1 thread), kernels:
 * portable`), then any notices, through `log` or else `fallback`. Later calls print nothing, so
 * libraries and apps can both initialise without repeating it.
 */
export function announceBackend(
  choice: BackendChoice,
  log: BackendLog | undefined,
  fallback: (line: string) => void,
): void {
  if (log === false || state[ANNOUNCED]) return;
  state[ANNOUNCED] = true;
  const write = typeof log === 'function' ? log : fallback;
  write(`infomax: backend ${choice.description}`);
  for (const notice of choice.notices) write(`infomax: notice: ${notice}`);
}

/** Lets the next choice be announced again (tests). */
export function resetBackendAnnouncement(): void {
  state[ANNOUNCED] = false;
}
