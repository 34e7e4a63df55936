import { setFlagsFromString } from 'node:v8';
import { assembleModule, FunctionWriter, V128 } from '../../backends/wasm-simd/wasm-assembler';

/** A module using f32x4.relaxed_madd: validates only where relaxed SIMD is on. */
function probe(): Uint8Array<ArrayBuffer> {
  const f = new FunctionWriter('probe', []);
  const v = f.local(V128);
  f.get(v).get(v).get(v).f32x4RelaxedMadd().set(v);
  return assembleModule([f], false);
}

/**
 * Turns on relaxed SIMD (the gemm's fused multiply-add: ~1.3x on its products, measured) in
 * Node versions that ship it behind a flag (Node 20; on by default from Node 22). Must run
 * before infomax's wasm kernels are compiled. The flag only adds instructions, and V8 accepts it
 * at run time for modules compiled afterwards; tfjs' own module is not affected. Returns
 * whether relaxed SIMD is available now.
 */
export function enableRelaxedSimd(): boolean {
  const bytes = probe();
  if (WebAssembly.validate(bytes)) return true;
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(bytes);
}
