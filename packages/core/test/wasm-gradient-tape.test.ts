import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { detached, expectNoLeakedTensors, logSumExp, TEST_BACKENDS, useBackend } from '@infomax/core';

// Off-tape helpers that cut backprop work on every backend (wasm's step time is what motivated them).
for (const { name: backend, tolerance } of TEST_BACKENDS) {
  describe(`off-tape computation on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('detached passes the value and no gradient', () => {
      const x = tf.tensor1d([1, -2, 3]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.add(tf.mul(v, v), detached(() => tf.mul(v, 10)))))(x);
      expect(Array.from(g.dataSync())).toEqual([2, -4, 6]);
      expect(Array.from(detached(() => tf.mul(x, 10)).dataSync())).toEqual([10, -20, 30]);
      tf.dispose([x, g]);
    });

    it('backprop never runs the ops inside detached', async () => {
      const x = tf.tensor2d([
        [1, 5, 2],
        [0, -1, 4],
      ]);
      const profile = await tf.profile(() =>
        tf.grad((v: tf.Tensor) => tf.sum(tf.sub(v, detached(() => tf.max(v, 1, true)))))(x),
      );
      const names = profile.kernels.map((k) => k.name);
      expect(names.filter((n) => n === 'Max')).toHaveLength(1); // the forward one only
      expect(names).not.toContain('Equal'); // Max's gradient mask
      expect(Array.from((profile.result as tf.Tensor).dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
      tf.dispose([x, profile.result as tf.Tensor]);
    });

    it('logSumExp keeps its value and its gradient (the softmax) with a detached shift', () => {
      const values = [
        [1, 2, 3],
        [1000, 1001, 999],
      ];
      const x = tf.tensor2d(values);
      const lse = logSumExp(x, -1).dataSync();
      const g = tf.grad((v: tf.Tensor) => tf.sum(logSumExp(v, -1)))(x).dataSync();
      values.forEach((row, r) => {
        const m = Math.max(...row);
        const z = row.reduce((s, v) => s + Math.exp(v - m), 0);
        expect(lse[r]).toBeCloseTo(m + Math.log(z), 3);
        row.forEach((v, c) => expect(Math.abs(g[r * 3 + c]! - Math.exp(v - m) / z)).toBeLessThan(tolerance * 10));
      });
      x.dispose();
    });

    it('leaks nothing', async () => {
      const x = tf.randomNormal([4, 6]);
      await expectNoLeakedTensors(() => tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(logSumExp(v, -1)))(x)), {
        label: 'logSumExp gradient',
      });
      await expectNoLeakedTensors(() => tf.dispose(detached(() => tf.exp(x))), { label: 'detached' });
      x.dispose();
    });
  });
}
