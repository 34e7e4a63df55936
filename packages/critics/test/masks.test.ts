import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, TEST_BACKENDS, useBackend } from '@infomax/core';
import { blockMask, diagonalMask, sameImageBlockMask } from '@infomax/critics';

function expectedBlock(rows: number, cols: number, rg: number, cg: number): number[][] {
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => (Math.floor(r / rg) === Math.floor(c / cg) ? 1 : 0)),
  );
}

for (const { name } of TEST_BACKENDS) {
  describe(`positive masks (${name})`, () => {
    beforeAll(() => useBackend(name));

    it('diagonalMask is the identity', () => {
      const m = diagonalMask(3);
      expect(m.shape).toEqual([3, 3]);
      expect(m.dtype).toBe('float32');
      expect(m.arraySync()).toEqual([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ]);
      expect(diagonalMask(2, 3).arraySync()).toEqual([
        [1, 0, 0],
        [0, 1, 0],
      ]);
      tf.dispose(m);
    });

    it('blockMask matches groups of rows to groups of columns', () => {
      const m = blockMask(4, 6, 2, 3);
      expect(m.shape).toEqual([4, 6]);
      expect(m.arraySync()).toEqual(expectedBlock(4, 6, 2, 3));
      expect(blockMask(6, 3, 2, 1).arraySync()).toEqual(expectedBlock(6, 3, 2, 1));
    });

    it('sameImageBlockMask [B, B*L] has L ones per row, on its own image', () => {
      const B = 3;
      const L = 4;
      const m = sameImageBlockMask(B, L);
      expect(m.shape).toEqual([B, B * L]);
      expect(m.arraySync()).toEqual(expectedBlock(B, B * L, 1, L));
      expect(Array.from(tf.sum(m, 1).dataSync())).toEqual([L, L, L]);
      expect(tf.sum(m).dataSync()[0]).toBe(B * L);
    });

    it('never allocates a tensor larger than the mask', async () => {
      const B = 8;
      const L = 49;
      const bytesBefore = tf.memory().numBytes;
      const info = await tf.profile(() => sameImageBlockMask(B, L));
      const maskSize = B * B * L;
      for (const kernel of info.kernels) {
        for (const shape of kernel.outputShapes) {
          expect(shape.reduce((a, b) => a * b, 1), kernel.name).toBeLessThanOrEqual(maskSize);
        }
      }
      // The float mask, one bool copy of it and the two index vectors at most.
      expect(info.peakBytes - bytesBefore).toBeLessThanOrEqual(maskSize * 5 + (B + B * L) * 8);
      (info.result as tf.Tensor).dispose();
    });

    it('rejects sizes that do not divide into matching groups', () => {
      expect(() => blockMask(4, 6, 3, 3)).toThrow(/must both divide exactly into the same number of groups/);
      expect(() => blockMask(4, 6, 2, 2)).toThrow(/same number of groups/);
      expect(() => sameImageBlockMask(0, 4)).toThrow(/positive integers, got 0 and 4/);
      expect(() => diagonalMask(2.5)).toThrow(/positive integers/);
    });

    it('does not leak', async () => {
      await expectNoLeakedTensors(() => {
        blockMask(6, 12, 2, 4).dispose();
        sameImageBlockMask(3, 5).dispose();
        diagonalMask(4).dispose();
      });
    });
  });
}
