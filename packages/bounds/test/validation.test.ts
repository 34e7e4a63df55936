import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShapeError, useBackend } from '@infomax/core';
import { assertValidPositiveMask, donskerVaradhan, InfoNceBound, infoNce, jsd, nwj } from '@infomax/bounds';

const BOUNDS = [
  ['infoNce', infoNce],
  ['jsd', jsd],
  ['donskerVaradhan', donskerVaradhan],
  ['nwj', nwj],
] as const;

describe('input validation', () => {
  beforeAll(() => useBackend('cpu'));
  const keep: tf.Tensor[] = [];
  const t = <T extends tf.Tensor>(x: T): T => {
    keep.push(x);
    return x;
  };
  afterAll(() => tf.dispose(keep));

  for (const [label, fn] of BOUNDS) {
    describe(label, () => {
      it('rejects a score tensor that is not rank 2', () => {
        const scores = t(tf.zeros([2, 3, 1])) as unknown as tf.Tensor2D;
        const mask = t(tf.zeros([2, 3])) as tf.Tensor2D;
        expect(() => fn(scores, mask)).toThrow(ShapeError);
        expect(() => fn(scores, mask)).toThrow(`${label} scores must have rank 2 [N, M], got rank 3 [2, 3, 1]`);
      });

      it('rejects a mask of another shape, naming both', () => {
        const scores = t(tf.zeros([2, 3])) as tf.Tensor2D;
        const mask = t(tf.zeros([2, 4])) as tf.Tensor2D;
        expect(() => fn(scores, mask)).toThrow(
          `${label} positiveMask axis 1 (M) is 4, but ${label} scores has M = 3; got [2, 4]`,
        );
      });

      it('rejects a single column (no room for a negative)', () => {
        const scores = t(tf.zeros([3, 1])) as tf.Tensor2D;
        expect(() => fn(scores, scores)).toThrow(/needs at least one row and two columns .* got scores \[3, 1\]/);
      });

      it('rejects non-float scores', () => {
        const scores = t(tf.zeros([2, 2], 'int32')) as tf.Tensor2D;
        const mask = t(tf.eye(2)) as tf.Tensor2D;
        expect(() => fn(scores, mask)).toThrow(`${label} scores must be float32, got int32`);
      });

      it('checks the mask contents only when asked (validate: true)', () => {
        const scores = t(tf.zeros([2, 3])) as tf.Tensor2D;
        const noNegative = t(tf.tensor2d([[1, 1, 1], [0, 1, 0]])) as tf.Tensor2D;
        expect(() => tf.dispose(fn(scores, noNegative) as unknown as tf.Tensor)).not.toThrow();
        expect(() => fn(scores, noNegative, { validate: true })).toThrow(
          `${label} positiveMask [2, 3] must have at least one positive (1) and one negative (0) in every row: no negative in row(s) 0`,
        );
      });
    });
  }

  describe('assertValidPositiveMask', () => {
    it('accepts identity and block masks', () => {
      expect(() => assertValidPositiveMask(t(tf.eye(4)))).not.toThrow();
      expect(() => assertValidPositiveMask(t(tf.tensor2d([[1, 1, 0, 0], [0, 0, 1, 1]], undefined, 'int32')))).not.toThrow();
    });

    it('names every row without a positive or without a negative', () => {
      const mask = t(tf.tensor2d([[0, 0, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]]));
      expect(() => assertValidPositiveMask(mask)).toThrow(
        'positiveMask [4, 3] must have at least one positive (1) and one negative (0) in every row: ' +
          'no positive in row(s) 0, 3; no negative in row(s) 2',
      );
    });

    it('rejects values other than 0 and 1, with their position', () => {
      expect(() => assertValidPositiveMask(t(tf.tensor2d([[1, 0], [0, 0.5]])), 'mask')).toThrow(
        'mask must contain only 0 and 1, but entry (1, 1) is 0.5',
      );
    });

    it('rejects another rank', () => {
      expect(() => assertValidPositiveMask(t(tf.ones([4])))).toThrow('positiveMask must have rank 2 [N, M], got shape [4]');
    });
  });

  describe('infoNce options', () => {
    const scores = () => t(tf.zeros([2, 2])) as tf.Tensor2D;
    const mask = () => t(tf.eye(2)) as tf.Tensor2D;
    it.each([0, -1, Number.NaN, Infinity])('rejects clip %s', (clip) => {
      expect(() => infoNce(scores(), mask(), { clip })).toThrow(/infoNce option clip must be a finite number > 0/);
      expect(() => new InfoNceBound({ clip })).toThrow(RangeError);
    });
    it.each([-0.1, Number.NaN])('rejects l2 %s', (l2) => {
      expect(() => infoNce(scores(), mask(), { l2 })).toThrow(/infoNce option l2 must be a finite number >= 0/);
    });
  });
});
