/**
 * infomax's wasm helper threads cannot start or run; the message says why and what to do
 * (usually: run with 1 thread).
 */
export class WasmThreadsError extends Error {
  override name = 'WasmThreadsError';
}
