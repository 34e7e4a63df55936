import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assertShape,
  assertShapes,
  logSumExp,
  maskedLogSoftmax,
  ShapeError,
  stopGradient,
  TEST_BACKENDS,
  useBackend,
} from '@infomax/core';

for (const { name, tolerance } of TEST_BACKENDS) {
  describe(`tensor utilities on ${name}`, () => {
    beforeAll(() => useBackend(name));

    it('logSumExp matches a float64 reference and survives +-1e4', async () => {
      const rows = [
        [1, 2, 3],
        [1e4, 1e4 - 1, -1e4],
        [-1e4, -1e4, -1e4 + 2],
      ];
      const expected = rows.map((r) => {
        const m = Math.max(...r);
        return m + Math.log(r.reduce((a, v) => a + Math.exp(v - m), 0));
      });
      const got = Array.from(await logSumExp(tf.tensor2d(rows), -1).data());
      got.forEach((g, i) => expect(Math.abs(g - expected[i]!)).toBeLessThan(tolerance * Math.max(1, Math.abs(expected[i]!))));
    });

    it('logSumExp has softmax gradients', async () => {
      const x = tf.tensor1d([0.5, -1, 2]);
      const g = Array.from(await tf.grad((v: tf.Tensor) => logSumExp(v, 0))(x).data());
      const e = [0.5, -1, 2].map(Math.exp);
      const z = e.reduce((a, b) => a + b, 0);
      g.forEach((v, i) => expect(v).toBeCloseTo(e[i]! / z, 5));
    });

    it('maskedLogSoftmax normalises over the masked entries only', async () => {
      const x = tf.tensor2d([[1, 2, 3]]);
      const mask = tf.tensor2d([[1, 0, 1]]);
      const got = Array.from(await maskedLogSoftmax(x, mask).data());
      const z = Math.log(Math.exp(1) + Math.exp(3));
      expect(got[0]).toBeCloseTo(1 - z, 5);
      expect(got[1]).toBe(0);
      expect(got[2]).toBeCloseTo(3 - z, 5);
    });

    it('stopGradient passes values and blocks gradients', async () => {
      const x = tf.scalar(3);
      const g = tf.grad((v: tf.Tensor) => tf.add(tf.mul(v, v), stopGradient(tf.mul(v, v))))(x);
      expect(await g.data()).toEqual(new Float32Array([6]));
      expect(await stopGradient(x).data()).toEqual(new Float32Array([3]));
    });
  });
}

describe('shape assertions', () => {
  it('binds named dimensions across tensors', () => {
    const dims = assertShapes({
      scores: [tf.zeros([4, 8]), ['N', 'M']],
      mask: [tf.zeros([4, 8]), ['N', 'M']],
    });
    expect(dims).toEqual({ N: 4, M: 8 });
  });

  it('explains a rank mismatch', () => {
    expect(() => assertShape(tf.zeros([2, 3, 4]), ['N', 'M'], 'scores')).toThrow(
      'scores must have rank 2 [N, M], got rank 3 [2, 3, 4]',
    );
  });

  it('explains a fixed-size mismatch and a named-dimension disagreement', () => {
    expect(() => assertShape(tf.zeros([2, 30, 30, 1]), [null, 32, 32, 3], 'image batch')).toThrow(ShapeError);
    expect(() => assertShape(tf.zeros([2, 30, 30, 1]), [null, 32, 32, 3], 'image batch')).toThrow(
      /axis 1 is 30 \(expected 32\)/,
    );
    expect(() =>
      assertShapes({ scores: [tf.zeros([4, 8]), ['N', 'M']], mask: [tf.zeros([4, 7]), ['N', 'M']] }),
    ).toThrow('mask axis 1 (M) is 7, but scores has M = 8; got [4, 7]');
  });
});
