import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, ShapeError, TEST_BACKENDS, useBackend } from '@infomax/core';
import { BilinearCritic } from '@infomax/critics';
import { expectClose, finiteDifference, seededTensor, seededValues, disposeOutputs } from './helpers';

/** prediction of step k (1-based) for sequence b at time t: c[b][t] W_k, W_k = kernel columns of k. */
function reference(
  c: number[][][],
  z: number[][][],
  kernel: number[][],
  K: number,
  negatives: 'same-step' | 'all-steps',
): number[][][] {
  const B = c.length;
  const T = c[0]!.length;
  const Dz = z[0]![0]!.length;
  const span = T - K;
  const predict = (k: number, b: number, t: number) =>
    Array.from({ length: Dz }, (_, j) => c[b]![t]!.reduce((s, x, i) => s + x * kernel[i]![(k - 1) * Dz + j]!, 0));
  const dot = (p: number[], q: number[]) => p.reduce((s, x, i) => s + x * q[i]!, 0);
  const steps: number[][][] = [];
  for (let k = 1; k <= K; k++) {
    const rows: number[][] = [];
    for (let t = 0; t < span; t++) {
      for (let b = 0; b < B; b++) {
        const p = predict(k, b, t);
        if (negatives === 'same-step') rows.push(Array.from({ length: B }, (_, b2) => dot(p, z[b2]![t + k]!)));
        else {
          const row: number[] = [];
          for (let t2 = 0; t2 < span; t2++) for (let b2 = 0; b2 < B; b2++) row.push(dot(p, z[b2]![t2 + k]!));
          rows.push(row);
        }
      }
    }
    steps.push(rows);
  }
  return steps;
}

for (const { name, tolerance } of TEST_BACKENDS) {
  describe(`BilinearCritic (${name})`, () => {
    beforeAll(() => useBackend(name));

    const B = 2;
    const T = 5;
    const K = 2;
    const Dc = 3;
    const Dz = 2;

    it('scores W_k c_t against z_{t+k} of every sequence: rows (k, t, b), columns b, diagonal positive', () => {
      const critic = new BilinearCritic({ steps: K, contextChannels: Dc, frameChannels: Dz }, new Rng(1));
      const c = seededTensor([B, T, Dc], 1);
      const z = seededTensor([B, T, Dz], 2);
      const { scores, positiveMask } = critic.score(c, z);
      const span = T - K;
      expect(scores.shape).toEqual([K * span * B, B]);
      expect(positiveMask.shape).toEqual([K * span * B, B]);
      const ref = reference(
        c.arraySync() as number[][][],
        z.arraySync() as number[][][],
        critic.predictors.kernel.arraySync() as number[][],
        K,
        'same-step',
      );
      expectClose(scores, ref.flat(), tolerance);
      const mask = positiveMask.arraySync() as number[][];
      mask.forEach((row, r) => expect(row).toEqual([0, 1].map((b2) => (b2 === r % B ? 1 : 0))));

      const steps = critic.scoreSteps(c, z);
      expect(steps).toHaveLength(K);
      steps.forEach((step, i) => {
        expect(step.scores.shape).toEqual([span * B, B]);
        expectClose(step.scores, ref[i]!, tolerance);
        expectClose(step.positiveMask, mask.slice(0, span * B), 0);
      });
      critic.dispose();
    });

    it("'all-steps' negatives: columns are every (t', b') of the same k, diagonal positive", () => {
      const critic = new BilinearCritic({ steps: K, contextChannels: Dc, frameChannels: Dz, negatives: 'all-steps' }, new Rng(2));
      const c = seededTensor([B, T, Dc], 3);
      const z = seededTensor([B, T, Dz], 4);
      const { scores, positiveMask } = critic.score(c, z);
      const n = (T - K) * B;
      expect(scores.shape).toEqual([K * n, n]);
      const ref = reference(
        c.arraySync() as number[][][],
        z.arraySync() as number[][][],
        critic.predictors.kernel.arraySync() as number[][],
        K,
        'all-steps',
      );
      expectClose(scores, ref.flat(), tolerance);
      expectClose(positiveMask, tf.tile(tf.eye(n), [K, 1]), 0);
      critic.dispose();
    });

    it('the positive of step k is z_{t+k}: with W_k = I and c_t = z_{t+k}, positives win every row of step k', () => {
      const D = 4;
      const steps = 3;
      const Tn = 7;
      const Bn = 4;
      const critic = new BilinearCritic({ steps, contextChannels: D, frameChannels: D }, new Rng(3));
      critic.predictors.kernel.assign(tf.tile(tf.eye(D), [1, steps]));
      // Unit-norm frames: a vector's dot with itself beats its dot with any other.
      const z = tf.tidy(() => {
        const raw = seededTensor([Bn, Tn, D], 5);
        return tf.div(raw, tf.norm(raw, 'euclidean', -1, true));
      });
      for (let k = 1; k <= steps; k++) {
        const c = tf.concat([tf.slice(z, [0, k, 0], [Bn, Tn - k, D]), tf.zeros([Bn, k, D])], 1);
        const step = critic.scoreSteps(c, z)[k - 1]!;
        const winners = Array.from(tf.argMax(step.scores, 1).dataSync());
        const positives = Array.from(tf.argMax(step.positiveMask, 1).dataSync());
        expect(winners).toEqual(positives);
        // And the positive's score is |z|^2 = 1.
        const positiveScores = tf.sum(tf.mul(step.scores, step.positiveMask), 1);
        expectClose(positiveScores, new Array((Tn - steps) * Bn).fill(1), 1e-5);
      }
      critic.dispose();
    });

    it('predictor(k) is the k-th block of columns', () => {
      const critic = new BilinearCritic({ steps: 3, contextChannels: 2, frameChannels: 2 }, new Rng(4));
      const kernel = critic.predictors.kernel.arraySync() as number[][];
      expect(critic.predictor(2).arraySync()).toEqual(kernel.map((row) => row.slice(2, 4)));
      expect(critic.predictors.bias).toBeNull();
      expect(() => critic.predictor(4)).toThrow(/k must be an integer in 1\.\.3/);
      critic.dispose();
    });

    it('checks shapes and sequence length', () => {
      const critic = new BilinearCritic({ steps: 3, contextChannels: 2, frameChannels: 4 }, new Rng(5));
      expect(() => critic.score(tf.zeros([2, 3, 2]), tf.zeros([2, 3, 4]))).toThrow(/too short to predict 3 steps ahead/);
      expect(() => critic.score(tf.zeros([2, 6, 2]), tf.zeros([2, 5, 4]))).toThrow(ShapeError);
      expect(() => critic.score(tf.zeros([2, 6, 3]), tf.zeros([2, 6, 4]))).toThrow(/BilinearCritic contexts must have shape \[B, T, 2\], but axis 2 is 3/);
      expect(() => new BilinearCritic({ steps: 0, contextChannels: 2, frameChannels: 2 }, new Rng(0))).toThrow(/steps must be a positive integer/);
      critic.dispose();
    });

    it('does not leak', async () => {
      const critic = new BilinearCritic({ steps: 2, contextChannels: 3, frameChannels: 3 }, new Rng(6));
      const c = seededTensor([2, 6, 3], 7);
      const z = seededTensor([2, 6, 3], 8);
      await expectNoLeakedTensors(() => disposeOutputs(critic.score(c, z)));
      await expectNoLeakedTensors(() => disposeOutputs(critic.scoreSteps(c, z)));
      tf.dispose([c, z]);
      critic.dispose();
    });
  });
}

describe('BilinearCritic gradients (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('kernel gradient matches finite differences', () => {
    const critic = new BilinearCritic({ steps: 2, contextChannels: 3, frameChannels: 2 }, new Rng(7));
    const c = seededTensor([2, 5, 3], 9);
    const z = seededTensor([2, 5, 2], 10);
    const weights = tf.tensor2d(seededValues(12 * 2, 11), [12, 2]);
    const loss = () => tf.tidy(() => tf.sum(tf.mul(critic.score(c, z).scores, weights)) as tf.Scalar);
    const { grads } = tf.variableGrads(loss, critic.trainableVariables);
    const kernel = critic.predictors.kernel;
    const analytic = grads[kernel.name]!.dataSync();
    for (let i = 0; i < kernel.size; i++) {
      expect(analytic[i]).toBeCloseTo(finiteDifference(loss, kernel, i, 1e-2), 3);
    }
    critic.dispose();
  });
});
