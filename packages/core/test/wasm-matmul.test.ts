import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, useBackend } from '@infomax/core';
import { wasmTrainingKernelStatus } from '../src/backends/wasm-kernels/register-wasm-training-kernels';
import {
  broadcastIndex,
  matMulGeometry,
  matMulPlan,
  PER_BATCH_MIN_MACS,
} from '../src/backends/wasm-kernels/batch-mat-mul';
import { setSimdKernelsEnabled } from '../src/backends/wasm-simd/simd-kernels';
import { expectClose, expectWasmMatchesCpu, on, random } from './wasm-test-utils';

interface MatMulCase {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
  plan: string;
}

const CASES: MatMulCase[] = [
  { name: '2-D, no transposes (stock XNNPACK)', a: [7, 5], b: [5, 3], transposeA: false, transposeB: false, plan: 'single' },
  { name: '2-D, transposeB', a: [7, 5], b: [3, 5], transposeA: false, transposeB: true, plan: 'single' },
  { name: '2-D, transposeA', a: [5, 7], b: [5, 3], transposeA: true, transposeB: false, plan: 'single' },
  { name: '2-D, both transposed', a: [5, 7], b: [3, 5], transposeA: true, transposeB: true, plan: 'single' },
  { name: 'AMDIM scores shape, transposeB', a: [32, 64], b: [200, 64], transposeA: false, transposeB: true, plan: 'single' },
  { name: 'batched a, 2-D b (folded)', a: [4, 6, 5], b: [5, 3], transposeA: false, transposeB: false, plan: 'single' },
  { name: 'batched a transposed, 2-D b transposed', a: [4, 5, 6], b: [3, 5], transposeA: true, transposeB: true, plan: 'single' },
  { name: 'batched a, b batch 1 (broadcast)', a: [2, 3, 6, 5], b: [1, 5, 4], transposeA: false, transposeB: false, plan: 'single' },
  { name: '2-D a, batched b', a: [6, 5], b: [4, 5, 3], transposeA: false, transposeB: false, plan: 'single-transposed' },
  { name: 'a batch 1, batched b, both transposed', a: [1, 5, 6], b: [4, 3, 5], transposeA: true, transposeB: true, plan: 'single-transposed' },
  { name: 'both batched, small (stock loop)', a: [3, 4, 5], b: [3, 5, 2], transposeA: false, transposeB: false, plan: 'stock' },
  { name: 'both batched, small, transposed (stock loop)', a: [3, 5, 4], b: [3, 2, 5], transposeA: true, transposeB: true, plan: 'stock' },
  { name: 'both batched, large (per batch)', a: [2, 48, 40], b: [2, 40, 36], transposeA: false, transposeB: false, plan: 'per-batch' },
  { name: 'both batched, large, transposed (per batch)', a: [2, 40, 48], b: [2, 36, 40], transposeA: true, transposeB: true, plan: 'per-batch' },
  { name: 'rank 4 both batched, large', a: [2, 2, 48, 40], b: [2, 2, 40, 36], transposeA: false, transposeB: false, plan: 'per-batch' },
  { name: 'broadcast over two batch axes', a: [2, 1, 6, 5], b: [1, 3, 5, 4], transposeA: false, transposeB: false, plan: 'per-batch' },
];

describe('wasm BatchMatMul', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('is the infomax kernel on wasm', () => {
    expect(wasmTrainingKernelStatus()).toMatchObject({ BatchMatMul: 'infomax', _FusedMatMul: 'infomax' });
  });

  it('plans each case as expected', () => {
    for (const c of CASES) {
      expect(matMulPlan(matMulGeometry(c.a, c.b, c.transposeA, c.transposeB)), c.name).toBe(c.plan);
    }
    // The per-batch threshold is what the 'large' cases rely on.
    expect(48 * 40 * 36).toBeGreaterThanOrEqual(PER_BATCH_MIN_MACS);
  });

  it('maps output batch entries onto broadcast operands', () => {
    expect(broadcastIndex([2, 1], [2, 3])).toEqual([0, 0, 0, 1, 1, 1]);
    expect(broadcastIndex([1, 3], [2, 3])).toEqual([0, 1, 2, 0, 1, 2]);
    expect(broadcastIndex([3], [2, 3])).toEqual([0, 1, 2, 0, 1, 2]);
    expect(broadcastIndex([], [2])).toEqual([0, 0]);
  });

  it('rejects mismatched inner dimensions with tfjs’ message', () => {
    const a = tf.zeros([3, 4]);
    const b = tf.zeros([5, 2]);
    expect(() => tf.matMul(a, b)).toThrow(/inner shapes \(4\) and \(5\)/);
    tf.dispose([a, b]);
  });

  for (const simd of [true, false]) {
    describe(`matches the cpu backend (values, and both gradients where tfjs has them; ${simd ? 'SIMD gemm' : 'XNNPACK compositions'})`, () => {
      afterAll(() => setSimdKernelsEnabled(true));
      const rng = new Rng('matmul');
      for (const c of CASES) {
        it(c.name, async () => {
          const m = c.transposeA ? c.a[c.a.length - 1]! : c.a[c.a.length - 2]!;
          const n = c.transposeB ? c.b[c.b.length - 2]! : c.b[c.b.length - 1]!;
          const batch = tf.broadcast_util.assertAndGetBroadcastShape(c.a.slice(0, -2), c.b.slice(0, -2));
          const inputs = [random(rng, c.a), random(rng, c.b), random(rng, [...batch, m, n])];
          // tfjs' BatchMatMul gradient does not reduce over broadcast batch axes (on any backend),
          // so broadcasting cases compare the product only.
          // tfjs' cpu kernel also mishandles broadcasting over several batch axes, so the cpu
          // reference gets operands broadcast explicitly.
          const broadcasts = !tf.util.arraysEqual(c.a.slice(0, -2), c.b.slice(0, -2));
          if (broadcasts) {
            const full = (x: tf.Tensor) => tf.broadcastTo(x, [...batch, ...x.shape.slice(-2)]);
            const reference = await on('cpu', inputs, (a, b) => tf.matMul(full(a!), full(b!), c.transposeA, c.transposeB));
            setSimdKernelsEnabled(simd);
            expectClose(reference, await on('wasm', inputs, (a, b) => tf.matMul(a!, b!, c.transposeA, c.transposeB)));
            return;
          }
          setSimdKernelsEnabled(simd);
          await expectWasmMatchesCpu(inputs, (a, b, w) => {
            const product = tf.matMul(a!, b!, c.transposeA, c.transposeB);
            const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
              tf.sum(tf.mul(tf.matMul(x, y, c.transposeA, c.transposeB), w!)),
            )([a!, b!]);
            return [product, da!, db!];
          });
        });
      }
    });
  }

  it('matches hand-computed values with a transposed operand', async () => {
    await useBackend('wasm');
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tf.tensor2d([1, 0, 2, -1, 1, 0], [2, 3]);
    // a b^T: rows of a dotted with rows of b.
    expect(Array.from(tf.matMul(a, b, false, true).dataSync())).toEqual([7, 1, 16, 1]);
    tf.dispose([a, b]);
  });

  describe('_FusedMatMul matches the cpu backend', () => {
    const rng = new Rng('fused');
    const fused: [string, number[], number[], boolean, boolean, 'relu' | 'linear'][] = [
      ['transposeB + bias + relu', [6, 5], [4, 5], false, true, 'relu'],
      ['transposeA + bias', [5, 6], [5, 4], true, false, 'linear'],
      ['batched a, transposeB + bias', [3, 6, 5], [4, 5], false, true, 'relu'],
      ['no transposes + bias (stock)', [6, 5], [5, 4], false, false, 'relu'],
    ];
    for (const [name, as, bs, ta, tb, activation] of fused) {
      it(name, async () => {
        const n = tb ? bs[bs.length - 2]! : bs[bs.length - 1]!;
        await expectWasmMatchesCpu([random(rng, as), random(rng, bs), random(rng, [n])], (a, b, bias) =>
          tf.fused.matMul({ a: a!, b: b!, transposeA: ta, transposeB: tb, bias: bias!, activation }),
        );
      });
    }
  });

  it('frees every intermediate and leaks no tensors', async () => {
    await useBackend('wasm');
    const backend = tf.backend();
    const rng = new Rng('leaks');
    const t = (shape: number[]) => tf.tensor(rng.normalArray(shape.reduce((x, y) => x * y, 1)), shape);
    const operands = CASES.map((c) => [t(c.a), t(c.b)] as const);
    const step = () => {
      const outs = CASES.map((c, i) => tf.matMul(operands[i]![0], operands[i]![1], c.transposeA, c.transposeB));
      tf.dispose(outs);
    };
    step();
    const before = backend.numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(backend.numDataIds()).toBe(before);
    await expectNoLeakedTensors(step, { label: 'wasm matMul' });
    tf.dispose(operands.flat());
  });
});
