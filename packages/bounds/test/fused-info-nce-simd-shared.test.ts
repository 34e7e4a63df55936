import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng, setSimdKernelsEnabled } from '@infomax/core';
import { initNodeBackend } from '@infomax/core/node';
import { infoNce } from '@infomax/bounds';
import { simdPassRuns } from '../src/info-nce-simd-passes';
import { blockMask } from './reference';

// The CLI's wasm backend keeps its heap on a SharedArrayBuffer (for infomax's helper threads):
// the SIMD module must then import a shared memory. Its own file, since only a backend started
// fresh gets a shared heap.
describe('fused InfoNCE on wasm SIMD with a shared heap', () => {
  it('matches the JS passes, forward and backward', async () => {
    await initNodeBackend({ backend: 'wasm', log: false, env: {} });
    const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer;
    expect(heap).toBeInstanceOf(SharedArrayBuffer);
    const rng = new Rng('fused-info-nce-simd-shared');
    const scores = tf.tensor2d(Float32Array.from({ length: 16 * 160 }, () => rng.normal(0, 5)), [16, 160]);
    const mask = tf.tensor2d(blockMask(16, 10));
    const run = () => {
      const loss = infoNce(scores, mask, { clip: 20, l2: 0.05 }).loss;
      const g = tf.grad((s: tf.Tensor) => infoNce(s as tf.Tensor2D, mask, { clip: 20, l2: 0.05 }).loss)(scores);
      const out = { loss: loss.dataSync()[0]!, gradient: g.dataSync() as Float32Array };
      tf.dispose([loss, g]);
      return out;
    };
    const before = { ...simdPassRuns };
    const simd = run();
    expect(simdPassRuns).toEqual({ forward: before.forward + 2, backward: before.backward + 1 });
    setSimdKernelsEnabled(false);
    const js = run();
    setSimdKernelsEnabled(true);
    expect(Math.abs(simd.loss - js.loss) / js.loss).toBeLessThan(1e-6);
    let diff = 0;
    let scale = 0;
    js.gradient.forEach((v, i) => {
      diff = Math.max(diff, Math.abs(v - simd.gradient[i]!));
      scale = Math.max(scale, Math.abs(v));
    });
    expect(diff / scale).toBeLessThan(2e-6);
    expect(diff).toBeGreaterThan(0); // two different computations: a zero would mean one ran twice
    tf.dispose([scores, mask]);
  });
});
