import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, TEST_BACKENDS, useBackend } from '@infomax/core';
import { gradientPenalty, PriorDiscriminator } from '@infomax/critics';
import { expectClose, finiteDifference, seededTensor, disposeOutputs } from './helpers';

/** mean_b ||dD(x_b)/dx_b||^2 from central differences of the logits, one input coordinate at a time. */
function finiteDifferencePenalty(d: PriorDiscriminator, x: tf.Tensor2D, eps = 1e-3): number {
  const [B, D] = x.shape;
  const base = x.arraySync();
  const logits = (rows: number[][]) => tf.tidy(() => Array.from(d.discriminate(tf.tensor2d(rows)).dataSync()));
  const squared = new Array<number>(B).fill(0);
  for (let j = 0; j < D; j++) {
    const up = logits(base.map((row) => row.map((v, k) => (k === j ? v + eps : v))));
    const down = logits(base.map((row) => row.map((v, k) => (k === j ? v - eps : v))));
    for (let b = 0; b < B; b++) squared[b]! += ((up[b]! - down[b]!) / (2 * eps)) ** 2;
  }
  return squared.reduce((a, v) => a + v, 0) / B;
}

for (const { name, tolerance } of TEST_BACKENDS) {
  describe(`PriorDiscriminator (${name})`, () => {
    beforeAll(() => useBackend(name));

    it('is FC 1000 -> ReLU -> FC 200 -> ReLU -> FC 1 on 64 inputs by default', () => {
      const d = new PriorDiscriminator({}, new Rng(1));
      expect(d.fc1.kernel.shape).toEqual([64, 1000]);
      expect(d.fc2.kernel.shape).toEqual([1000, 200]);
      expect(d.fc3.kernel.shape).toEqual([200, 1]);
      expect(d.getConfig()).toEqual({ inUnits: 64, hiddenUnits: [1000, 200] });
      d.dispose();
    });

    it('discriminate gives one logit per sample, the MLP by hand', () => {
      const d = new PriorDiscriminator({ inUnits: 3, hiddenUnits: [5, 4] }, new Rng(2));
      const x = seededTensor([4, 3], 1);
      const logits = d.discriminate(x);
      expect(logits.shape).toEqual([4]);
      const byHand = tf.tidy(() => {
        const h1 = tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, d.fc1.kernel as tf.Tensor2D), d.fc1.bias!));
        const h2 = tf.relu(tf.add(tf.matMul(h1, d.fc2.kernel as tf.Tensor2D), d.fc2.bias!));
        return tf.reshape(tf.add(tf.matMul(h2, d.fc3.kernel as tf.Tensor2D), d.fc3.bias!), [4]);
      });
      expectClose(logits, byHand, tolerance);
      expect(() => d.discriminate(tf.zeros([2, 4]))).toThrow(/PriorDiscriminator input must have shape \[\?, 3\]/);
      d.dispose();
    });

    it('score lays prior samples (positive) and encodings (negative) out in one row', () => {
      const d = new PriorDiscriminator({ inUnits: 2, hiddenUnits: [3, 3] }, new Rng(3));
      const prior = seededTensor([3, 2], 2);
      const encoded = seededTensor([2, 2], 3);
      const { scores, positiveMask } = d.score(prior, encoded);
      expect(scores.shape).toEqual([1, 5]);
      expect(positiveMask.arraySync()).toEqual([[1, 1, 1, 0, 0]]);
      expectClose(scores, tf.concat([d.discriminate(prior), d.discriminate(encoded)]).reshape([1, 5]), tolerance);
      d.dispose();
    });

    it('samples the prior uniformly on [0, 1)^D, reproducibly', () => {
      const d = new PriorDiscriminator({ inUnits: 8, hiddenUnits: [2, 2] }, new Rng(4));
      const a = d.samplePrior(256, new Rng(9));
      const b = d.samplePrior(256, new Rng(9));
      expect(a.shape).toEqual([256, 8]);
      expect(a.arraySync()).toEqual(b.arraySync());
      expect(tf.min(a).dataSync()[0]).toBeGreaterThanOrEqual(0);
      expect(tf.max(a).dataSync()[0]).toBeLessThan(1);
      expect(Math.abs(tf.mean(a).dataSync()[0]! - 0.5)).toBeLessThan(0.02);
      d.dispose();
    });

    it('gradient penalty matches finite differences of the input gradient', () => {
      const d = new PriorDiscriminator({ inUnits: 3, hiddenUnits: [6, 4] }, new Rng(5));
      const x = seededTensor([5, 3], 4) as tf.Tensor2D;
      const penalty = d.gradientPenalty(x);
      expect(penalty.shape).toEqual([]);
      const reference = finiteDifferencePenalty(d, x);
      expect(reference).toBeGreaterThan(1e-3);
      expect(Math.abs(penalty.dataSync()[0]! - reference) / reference).toBeLessThan(1e-2);
      d.dispose();
    });

    it('gradient penalty does not leak', async () => {
      const d = new PriorDiscriminator({ inUnits: 3, hiddenUnits: [4, 4] }, new Rng(6));
      const x = seededTensor([4, 3], 5);
      await expectNoLeakedTensors(() => d.gradientPenalty(x).dispose());
      await expectNoLeakedTensors(() => disposeOutputs(d.score(x, x)));
      tf.dispose(x);
      d.dispose();
    });
  });
}

describe('gradient penalty gradients (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('a penalty inside the loss trains the weights (second-order gradients match finite differences)', () => {
    const d = new PriorDiscriminator({ inUnits: 2, hiddenUnits: [4, 3] }, new Rng(7));
    const x = seededTensor([6, 2], 6);
    const loss = () => d.gradientPenalty(x);
    const { value, grads } = tf.variableGrads(loss, d.trainableVariables);
    expect(value.dataSync()[0]).toBeGreaterThan(0);
    // The penalty does not depend on the last bias (it vanishes from the input gradient).
    const lastBiasGrad = grads[d.fc3.bias!.name];
    expect(lastBiasGrad ? Math.abs(lastBiasGrad.dataSync()[0]!) : 0).toBe(0);
    for (const variable of [d.fc1.kernel, d.fc2.kernel, d.fc3.kernel]) {
      const analytic = grads[variable.name]!.dataSync();
      for (let i = 0; i < variable.size; i += 2) {
        const numeric = finiteDifference(loss, variable, i, 1e-3);
        expect(Math.abs(analytic[i]! - numeric), `${variable.name}[${i}]: ${analytic[i]} vs ${numeric}`).toBeLessThan(
          1e-2 * Math.max(1, Math.abs(numeric)),
        );
      }
    }
    d.dispose();
  });

  it('optimizer.minimize on a penalised loss leaks nothing', async () => {
    const d = new PriorDiscriminator({ inUnits: 2, hiddenUnits: [4, 3] }, new Rng(8));
    const real = seededTensor([4, 2], 7);
    const fake = seededTensor([4, 2], 8);
    const optimizer = tf.train.sgd(1e-3);
    const step = () =>
      optimizer.minimize(() =>
        tf.tidy(() => {
          const gan = tf.add(tf.mean(tf.softplus(tf.neg(d.discriminate(real)))), tf.mean(tf.softplus(d.discriminate(fake))));
          return tf.add(gan, d.gradientPenalty(fake)) as tf.Scalar;
        }),
      )?.dispose();
    await expectNoLeakedTensors(step);
    optimizer.dispose();
    tf.dispose([real, fake]);
    d.dispose();
  });

  it('works for any per-sample function and rejects unbatched inputs', () => {
    // f(x) = sum_j w_j x_j^2 per row: gradient 2 w x, penalty mean_b sum_j 4 w_j^2 x_bj^2.
    const w = tf.tensor1d([1, -2]);
    const x = tf.tensor2d([
      [1, 2],
      [3, -1],
    ]);
    const penalty = gradientPenalty((v) => tf.sum(tf.mul(tf.square(v), w), 1), x);
    const expected = (4 * (1 + 4 * 4) + 4 * (9 + 4 * 1)) / 2;
    expectClose(penalty, [expected], 1e-6);
    expect(() => gradientPenalty((v) => v, tf.zeros([3]))).toThrow(/x must be a batch/);
  });
});
