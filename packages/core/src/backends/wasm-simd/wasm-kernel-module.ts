import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assembleModule, type FunctionWriter } from './wasm-assembler';
import { memoryOf, simdKernelsEnabled } from './simd-kernels';

// Process-wide for the same reason as the SIMD kernels' LOADED map: `@infomax/core` and
// `@infomax/core/node` are separate bundles, and a module compiled through one copy must be
// found through the other (else each copy compiles its own, and tests of "the SIMD path ran"
// see a different module than the kernels use).
const MODULES = Symbol.for('@infomax/core/wasm-kernel-modules');
const modulesHolder = globalThis as { [MODULES]?: WeakMap<object, Map<string, unknown>> };
const modules = (modulesHolder[MODULES] ??= new WeakMap<object, Map<string, unknown>>());

/**
 * The exports of a wasm module built from `writers`, running on `backend`'s memory (the tfjs
 * wasm backend's heap, so the functions take byte offsets of tensors' data), or null where that
 * cannot be: not a wasm backend, a build that hides its memory, no wasm SIMD in this engine, or
 * infomax's SIMD kernels switched off (`setSimdKernelsEnabled(false)`; null then, so callers
 * take their plain path, and the module is found again once switched back on).
 *
 * Compiled once per (backend, key) for the whole process; `key` names the module and must change
 * whenever the writers do (put a version in it), since a second call with the same key returns
 * the first module without calling `writers`. The compile is synchronous (new
 * WebAssembly.Module), so kernels can call this on first use: fine in Node and in workers, but
 * browsers refuse synchronous compiles of all but small modules on the main thread (the throw is
 * caught and gives null, i.e. the plain path); keep such modules small or compile them earlier
 * in a worker.
 */
export function wasmKernelModule<T>(backend: unknown, key: string, writers: () => FunctionWriter[]): T | null {
  if (!simdKernelsEnabled()) return null;
  if (typeof backend !== 'object' || backend === null) return null;
  let byKey = modules.get(backend);
  if (byKey === undefined) {
    byKey = new Map<string, unknown>();
    modules.set(backend, byKey);
  }
  if (byKey.has(key)) return byKey.get(key) as T | null;
  const exports = compile(backend, writers);
  byKey.set(key, exports);
  return exports as T | null;
}

function compile(backend: object, writers: () => FunctionWriter[]): unknown {
  if (typeof WebAssembly === 'undefined') return null;
  const memory = wasmMemory(backend);
  if (memory === undefined) return null;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const bytes = assembleModule(writers(), shared);
    // An engine without SIMD (or a module using an opcode it lacks) fails validation: plain path.
    if (!WebAssembly.validate(bytes)) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return instance.exports;
  } catch {
    return null;
  }
}

function wasmMemory(backend: object): WebAssembly.Memory | undefined {
  if (!('wasm' in backend) || typeof backend.wasm !== 'object' || backend.wasm === null) return undefined;
  const memory = memoryOf(backend as BackendWasm);
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}
