/**
 * Zeroes `bytes` at byte `offset` of a wasm memory's buffer, through a Float32Array view where
 * the range is 4-byte aligned: on a SharedArrayBuffer (the heap shared with the helper threads)
 * Uint8Array.fill is ~4x slower (measured: 2.4 vs 0.63 ms for 3.7 MB).
 */
export function zeroBytes(buffer: ArrayBufferLike, offset: number, bytes: number): void {
  if (offset % 4 === 0 && bytes % 4 === 0) new Float32Array(buffer, offset, bytes / 4).fill(0);
  else new Uint8Array(buffer, offset, bytes).fill(0);
}
