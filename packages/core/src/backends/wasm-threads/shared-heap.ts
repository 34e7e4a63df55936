/**
 * tfjs' wasm build for Node is single-threaded: its module defines an unshared memory. The
 * memory section of that binary says "max 65536 pages"; flipping its flags byte to "shared,
 * max" is all it takes for the same module to run on a SharedArrayBuffer (it has no atomics
 * to begin with, and Emscripten's glue only reads and writes through views of the buffer).
 * Then infomax's helper threads compute on tensors in place, with no copies in and out.
 */

const MEMORY_SECTION = 5;
const LIMITS_MIN_MAX = 0x01;
const LIMITS_SHARED_MIN_MAX = 0x03;

/**
 * A copy of a wasm binary whose one defined memory (with a maximum) is made shared, or null
 * when the binary defines no such memory (imports it, is shared already, or has no maximum).
 */
export function withSharedMemory(bytes: Uint8Array): Uint8Array | null {
  if (bytes.length < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) return null;
  let at = 8;
  const uleb = () => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = bytes[at++] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80 && at < bytes.length);
    return value;
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = uleb();
    const start = at;
    if (id === MEMORY_SECTION) {
      const count = uleb();
      if (count !== 1 || bytes[at] !== LIMITS_MIN_MAX) return null;
      const copy = bytes.slice();
      copy[at] = LIMITS_SHARED_MIN_MAX;
      return copy;
    }
    at = start + size;
  }
  return null;
}

/**
 * Runs `load` (which instantiates tfjs' wasm module) with WebAssembly.instantiate made to give
 * any module instantiated from bytes that defines a memory a shared one (see
 * `withSharedMemory`), then puts WebAssembly.instantiate back. Modules instantiated from a
 * compiled WebAssembly.Module, or by instantiateStreaming (browsers), are left alone.
 */
export async function whileSharingWasmMemories<T>(load: () => Promise<T>): Promise<T> {
  const original = WebAssembly.instantiate;
  const patched = function (this: unknown, source: unknown, imports?: WebAssembly.Imports) {
    const bytes =
      source instanceof ArrayBuffer
        ? new Uint8Array(source)
        : ArrayBuffer.isView(source)
          ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
          : null;
    const shared = bytes && typeof SharedArrayBuffer !== 'undefined' ? withSharedMemory(bytes) : null;
    return (original as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>).call(WebAssembly, shared ?? source, imports);
  };
  WebAssembly.instantiate = patched as typeof WebAssembly.instantiate;
  try {
    return await load();
  } finally {
    WebAssembly.instantiate = original;
  }
}
