import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, TEST_BACKENDS, useBackend } from '@infomax/core';
import { GruCell } from '../src/layers/gru-cell';
import { gruSequence } from '../src/layers/gru-sequence';

/** The step-by-step GRU that autodiff differentiates: the reference. */
function stepByStep(cell: GruCell, projected: tf.Tensor3D): tf.Tensor3D {
  const [b, , threeH] = projected.shape;
  let state = tf.zeros([b, threeH / 3]) as tf.Tensor2D;
  const states: tf.Tensor2D[] = [];
  for (const step of tf.unstack(projected, 1) as tf.Tensor2D[]) {
    state = cell.step(step, state);
    states.push(state);
  }
  return tf.stack(states, 1) as tf.Tensor3D;
}

const SHAPES: { name: string; b: number; t: number; inputs: number; hidden: number }[] = [
  { name: 'two steps', b: 2, t: 2, inputs: 3, hidden: 4 },
  { name: 'a short sequence', b: 3, t: 5, inputs: 2, hidden: 3 },
  { name: 'CPC-like widths', b: 4, t: 12, inputs: 16, hidden: 8 },
];

for (const { name: backend, tolerance } of TEST_BACKENDS) {
  describe(`gruSequence (hand-written BPTT) on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    for (const s of SHAPES) {
      it(`matches autodiff of the step-by-step GRU: ${s.name}`, () => {
        const rng = new Rng(`gru-${s.name}`);
        const cell = new GruCell({ inputSize: s.inputs, hiddenSize: s.hidden }, rng.fork('cell'));
        const frames = tf.tensor(rng.normalArray(s.b * s.t * s.inputs), [s.b, s.t, s.inputs]);
        const upstream = tf.tensor(rng.normalArray(s.b * s.t * s.hidden), [s.b, s.t, s.hidden]);
        const vars = [cell.inputKernel, cell.recurrentKernel, cell.inputBias, cell.recurrentBias];
        const run = (fn: (p: tf.Tensor3D) => tf.Tensor3D) =>
          tf.tidy(() => {
            const loss = (x: tf.Tensor) => {
              const projected = tf.reshape(cell.projectInputs(tf.reshape(x, [s.b * s.t, s.inputs]) as tf.Tensor2D), [s.b, s.t, 3 * s.hidden]);
              return tf.sum(tf.mul(fn(projected as tf.Tensor3D), upstream)) as tf.Scalar;
            };
            const states = fn(tf.reshape(cell.projectInputs(tf.reshape(frames, [s.b * s.t, s.inputs]) as tf.Tensor2D), [s.b, s.t, 3 * s.hidden]) as tf.Tensor3D);
            const dx = tf.grad(loss)(frames);
            const { grads } = tf.variableGrads(() => loss(frames), vars);
            return [states, dx, ...vars.map((v) => grads[v.name]!)].map((t) => Array.from(t.dataSync()));
          });
        const want = run((p) => stepByStep(cell, p));
        const got = run((p) => gruSequence(p, cell.recurrentKernel as tf.Tensor2D, cell.recurrentBias as tf.Tensor1D));
        want.forEach((w, i) => {
          const scale = Math.max(1e-6, ...w.map(Math.abs));
          const diff = Math.max(...w.map((v, j) => Math.abs(v - got[i]![j]!)));
          expect(diff / scale, `output ${i}`).toBeLessThanOrEqual(Math.max(1e-4, tolerance * 10));
        });
        tf.dispose([frames, upstream]);
        cell.dispose();
      });
    }

    it('handles a single step (where autodiff of unstack fails): no recurrent-kernel gradient from the zero state', () => {
      const cell = new GruCell({ inputSize: 2, hiddenSize: 3 }, new Rng(5));
      const projected = tf.randomNormal([2, 1, 9]) as tf.Tensor3D;
      const { grads } = tf.variableGrads(
        () => tf.sum(gruSequence(projected, cell.recurrentKernel as tf.Tensor2D, cell.recurrentBias as tf.Tensor1D)) as tf.Scalar,
        [cell.recurrentKernel, cell.recurrentBias],
      );
      expect(Array.from(grads[cell.recurrentKernel.name]!.dataSync()).every((v) => v === 0)).toBe(true);
      expect(Array.from(grads[cell.recurrentBias.name]!.dataSync()).some((v) => v !== 0)).toBe(true);
      tf.dispose([projected, ...Object.values(grads)]);
      cell.dispose();
    });

    it('leaks nothing', async () => {
      const cell = new GruCell({ inputSize: 3, hiddenSize: 4 }, new Rng(3));
      const projected = tf.randomNormal([2, 6, 12]) as tf.Tensor3D;
      await expectNoLeakedTensors(
        () => {
          const { value, grads } = tf.variableGrads(
            () => tf.sum(gruSequence(projected, cell.recurrentKernel as tf.Tensor2D, cell.recurrentBias as tf.Tensor1D)) as tf.Scalar,
            [cell.recurrentKernel, cell.recurrentBias],
          );
          tf.dispose([value, ...Object.values(grads)]);
        },
        { label: 'gruSequence training step' },
      );
      projected.dispose();
      cell.dispose();
    });
  });
}
