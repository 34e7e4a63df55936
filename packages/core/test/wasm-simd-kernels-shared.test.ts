import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { useBackend } from '@infomax/core';

describe('SIMD kernels across copies of the module', () => {
  // `@infomax/core` and `@infomax/core/node` are separate bundles, each with its own copy of the
  // kernel loader: initNodeBackend loads through one copy, the fused Adam update asks through
  // the other. Before the loaded kernels were kept process-wide, the second copy saw none and
  // the CLI's Adam ran ~100 composed kernels a step instead of one per variable.
  it('a fresh copy of the loader finds the kernels loaded through the first', async () => {
    await useBackend('wasm');
    const first = await import('../src/backends/wasm-simd/simd-kernels');
    expect(first.simdKernelsFor(tf.backend())).not.toBeNull();
    vi.resetModules();
    const copy = await import('../src/backends/wasm-simd/simd-kernels');
    expect(copy).not.toBe(first);
    expect(copy.simdKernelsFor(tf.backend())).toBe(first.simdKernelsFor(tf.backend()));
  });
});
