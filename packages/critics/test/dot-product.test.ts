import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, ShapeError, TEST_BACKENDS, useBackend } from '@infomax/core';
import { DotProductCritic, dotProductScores } from '@infomax/critics';
import { expectClose, finiteDifference, seededTensor, disposeOutputs } from './helpers';

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

for (const { name, tolerance } of TEST_BACKENDS) {
  describe(`dot-product scores (${name})`, () => {
    beforeAll(() => useBackend(name));

    it('global vs global: [B, B] of hand-computed dot products, diagonal positives', () => {
      const a = [
        [1, 2, 3],
        [0, -1, 2],
      ];
      const c = [
        [2, 0, 1],
        [1, 1, -1],
      ];
      const { scores, positiveMask } = dotProductScores(tf.tensor2d(a), tf.tensor2d(c));
      expect(scores.shape).toEqual([2, 2]);
      expectClose(scores, [
        [dot(a[0]!, c[0]!), dot(a[0]!, c[1]!)],
        [dot(a[1]!, c[0]!), dot(a[1]!, c[1]!)],
      ], tolerance);
      expect(positiveMask.arraySync()).toEqual([
        [1, 0],
        [0, 1],
      ]);
    });

    it('global vs map: [B, B*L] against every location of every image, same-image block positives', () => {
      const B = 2;
      const D = 3;
      const a = seededTensor([B, D], 1);
      const maps = seededTensor([B, 2, 2, D], 2); // L = 4, row-major locations
      const { scores, positiveMask } = dotProductScores(a, maps);
      expect(scores.shape).toEqual([B, B * 4]);
      const av = a.arraySync() as number[][];
      const mv = (maps.reshape([B * 4, D]).arraySync()) as number[][];
      const expected = av.map((u) => mv.map((v) => dot(u, v)));
      expectClose(scores, expected, tolerance);
      expect(positiveMask.arraySync()).toEqual([
        [1, 1, 1, 1, 0, 0, 0, 0],
        [0, 0, 0, 0, 1, 1, 1, 1],
      ]);
    });

    it('map vs map: rows are (image, location) pairs, positives the same image', () => {
      const { scores, positiveMask } = dotProductScores(seededTensor([3, 2, 4], 3), seededTensor([3, 5, 4], 4));
      expect(scores.shape).toEqual([6, 15]);
      expect(positiveMask.shape).toEqual([6, 15]);
      const rowSums = Array.from(tf.sum(positiveMask, 1).dataSync());
      expect(rowSums).toEqual([5, 5, 5, 5, 5, 5]);
      expect((positiveMask.arraySync() as number[][])[3]!.slice(5, 10)).toEqual([1, 1, 1, 1, 1]);
    });

    it('divides by sqrt(D) when asked', () => {
      const D = 16;
      const a = seededTensor([4, D], 5);
      const c = seededTensor([4, 3, D], 6);
      const plain = dotProductScores(a, c).scores;
      const scaled = dotProductScores(a, c, { scaleBySqrtDim: true }).scores;
      expectClose(scaled, tf.div(plain, 4), tolerance);
    });

    it('divides by sqrt(D) the same when the sources are the smaller side (scaled before the product)', () => {
      const D = 12;
      // [2, D] sources are 24 values against [2, 2*10] = 40 scores: the sources get the scale.
      const a = seededTensor([2, D], 7);
      const c = seededTensor([2, 10, D], 8);
      const scaled = dotProductScores(a, c, { scaleBySqrtDim: true }).scores;
      expectClose(scaled, tf.div(dotProductScores(a, c).scores, Math.sqrt(D)), tolerance);
      const da = tf.grad((x: tf.Tensor) => tf.sum(tf.square(dotProductScores(x, c, { scaleBySqrtDim: true }).scores)))(a);
      const want = tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.div(dotProductScores(x, c).scores, Math.sqrt(D)))))(a);
      expectClose(da, want, tolerance);
    });

    it('names both shapes when batch or embedding sizes differ', () => {
      expect(() => dotProductScores(tf.zeros([2, 3]), tf.zeros([2, 4, 4]))).toThrow(ShapeError);
      expect(() => dotProductScores(tf.zeros([2, 3]), tf.zeros([3, 4, 3]))).toThrow(
        /antecedents \[2, 3\] and consequents \[3, 4, 3\] must share the batch size/,
      );
      expect(() => dotProductScores(tf.zeros([2]), tf.zeros([2, 3]))).toThrow(/rank 1/);
    });
  });

  describe(`DotProductCritic (${name})`, () => {
    beforeAll(() => useBackend(name));

    it('without heads equals the plain scores', () => {
      const critic = new DotProductCritic({ scaleBySqrtDim: true }, new Rng(1));
      expect(critic.trainableVariables).toHaveLength(0);
      const a = seededTensor([3, 8], 7);
      const c = seededTensor([3, 2, 2, 8], 8);
      const out = critic.score(a, c, { training: true });
      const ref = dotProductScores(a, c, { scaleBySqrtDim: true });
      expectClose(out.scores, ref.scores, tolerance);
      expectClose(out.positiveMask, ref.positiveMask, 0);
    });

    it('with DIM encode heads scores the head embeddings of both sides', () => {
      const critic = new DotProductCritic(
        { antecedentHead: 'dim-encode', consequentHead: 'dim-encode', antecedentChannels: 6, consequentChannels: 4, units: 8 },
        new Rng(2),
      );
      const y = seededTensor([3, 6], 9);
      const map = seededTensor([3, 2, 2, 4], 10);
      const { scores, positiveMask } = critic.score(y, map, { training: true });
      expect(scores.shape).toEqual([3, 12]);
      expect(positiveMask.shape).toEqual([3, 12]);
      // The same embeddings by hand (training mode again: identical batch statistics).
      const u = critic.antecedentHead!.apply(y, { training: true });
      const v = critic.consequentHead!.apply(map, { training: true });
      expect(u.shape).toEqual([3, 8]);
      expect(v.shape).toEqual([3, 2, 2, 8]);
      const uv = u.arraySync() as number[][];
      const vv = v.reshape([12, 8]).arraySync() as number[][];
      expectClose(scores, uv.map((p) => vv.map((q) => dot(p, q))), 1e-4);
    });

    it('shares one head between both sides when asked', () => {
      const critic = new DotProductCritic(
        { antecedentHead: 'amdim-residual', consequentHead: 'amdim-residual', antecedentChannels: 4, consequentChannels: 4, units: 6, shareHead: true },
        new Rng(3),
      );
      expect(critic.antecedentHead).toBe(critic.consequentHead);
      expect([...critic.namedVariables().keys()].every((k) => k.startsWith('head/'))).toBe(true);
      critic.dispose();
    });

    it('explains missing channels and wrong feature channels', () => {
      expect(() => new DotProductCritic({ antecedentHead: 'amdim-residual' }, new Rng(0))).toThrow(
        /antecedentChannels: required when the antecedent head is 'amdim-residual'/,
      );
      expect(() => new DotProductCritic({ shareHead: true }, new Rng(0))).toThrow(/shareHead: needs the same head/);
      const critic = new DotProductCritic({ consequentHead: 'dim-encode', consequentChannels: 5, units: 4 }, new Rng(0));
      expect(() => critic.score(tf.zeros([2, 4]), tf.zeros([2, 3, 3, 6]), { training: false })).toThrow(
        /DotProductCritic consequents must have shape \[\?, \?, \?, 5\]/,
      );
      critic.dispose();
    });

    it('does not leak', async () => {
      const critic = new DotProductCritic(
        { antecedentHead: 'none', consequentHead: 'amdim-residual', consequentChannels: 4, units: 4, scaleBySqrtDim: true },
        new Rng(4),
      );
      const a = seededTensor([2, 4], 11);
      const c = seededTensor([2, 3, 3, 4], 12);
      await expectNoLeakedTensors(() => disposeOutputs(critic.score(a, c, { training: true })));
      await expectNoLeakedTensors(() => disposeOutputs(critic.score(a, c, { training: false })));
      tf.dispose([a, c]);
      critic.dispose();
    });
  });
}

describe('DotProductCritic gradients (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('head gradients match finite differences', () => {
    const critic = new DotProductCritic(
      { antecedentHead: 'dim-encode', consequentHead: 'amdim-residual', antecedentChannels: 3, consequentChannels: 3, units: 4, scaleBySqrtDim: true },
      new Rng(5),
    );
    const a = seededTensor([3, 3], 13);
    const c = seededTensor([3, 2, 2, 3], 14);
    const weights = seededTensor([3, 12], 15);
    // Inference mode: batch norm is then affine in its input, so finite differences stay smooth
    // and do not move the moving statistics.
    const loss = () => tf.tidy(() => tf.sum(tf.mul(critic.score(a, c, { training: false }).scores, weights)) as tf.Scalar);
    const variables = critic.namedVariables();
    const { grads } = tf.variableGrads(loss, critic.trainableVariables);
    for (const path of ['antecedent_head/hidden/kernel', 'antecedent_head/shortcut/kernel', 'consequent_head/branch_in/kernel', 'consequent_head/shortcut/bias', 'consequent_head/norm/gamma']) {
      const variable = variables.get(path)!;
      const analytic = grads[variable.name]!.dataSync();
      for (const index of [0, variable.size - 1]) {
        const numeric = finiteDifference(loss, variable, index, 1e-2);
        expect(Math.abs(analytic[index]! - numeric), `${path}[${index}]: ${analytic[index]} vs ${numeric}`).toBeLessThan(
          2e-2 * Math.max(1, Math.abs(numeric)),
        );
      }
    }
    critic.dispose();
  });
});
