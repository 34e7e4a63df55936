import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, ShapeError, TEST_BACKENDS, useBackend } from '@infomax/core';
import {
  amdimCifarViews,
  amdimStlViews,
  CIFAR10_STATS,
  HorizontalFlip,
  IdentityViewGenerator,
  Normalize,
  PatchGridViewGenerator,
  TemporalWindowViewGenerator,
  TwoViewGenerator,
} from '@infomax/views';
import { maxAbsDiff, randomImages } from './images';

for (const { name } of TEST_BACKENDS) {
  describe(`view generators on ${name}`, () => {
    beforeAll(() => useBackend(name));

    describe('amdimCifarViews', () => {
      // Small images keep the pure-JS cpu backend quick; the pipeline is the full AMDIM one.
      const batch = randomImages([8, 16, 16, 3], 11);

      it('gives identical views for one seed and different views for another', async () => {
        const generator = amdimCifarViews();
        const a = generator.generate(batch, new Rng(5));
        const b = generator.generate(batch, new Rng(5));
        const c = generator.generate(batch, new Rng(6));
        expect(a.view1!.shape).toEqual([8, 16, 16, 3]);
        expect(a.view2!.shape).toEqual([8, 16, 16, 3]);
        expect(await maxAbsDiff(a.view1!, b.view1!)).toBe(0);
        expect(await maxAbsDiff(a.view2!, b.view2!)).toBe(0);
        expect(await maxAbsDiff(a.view1!, c.view1!)).toBeGreaterThan(0.1);
        expect(await maxAbsDiff(a.view1!, a.view2!)).toBeGreaterThan(0.1);
        tf.dispose([a, b, c]);
      });

      it('advances the caller stream, so consecutive batches differ', async () => {
        const rng = new Rng(5);
        const generator = amdimCifarViews();
        const first = generator.generate(batch, rng);
        const second = generator.generate(batch, rng);
        expect(await maxAbsDiff(first.view1!, second.view1!)).toBeGreaterThan(0.1);
        tf.dispose([first, second]);
      });

      it('does not leak tensors', async () => {
        const generator = amdimCifarViews();
        const rng = new Rng(1);
        await expectNoLeakedTensors(() => tf.dispose(generator.generate(batch, rng)), {
          label: 'amdimCifarViews',
          repeats: 3,
        });
      });

      it('runs on 1-channel data once normalisation fits it, and says so when it does not', () => {
        const gray = randomImages([4, 12, 12, 1]);
        const views = amdimCifarViews({ normalize: { mean: [0.286], std: [0.353] } }).generate(gray, new Rng(2));
        expect(views.view1!.shape).toEqual([4, 12, 12, 1]);
        expect(() => amdimCifarViews().generate(gray, new Rng(2))).toThrow(/statistics for 3 channels/);
        tf.dispose(views);
      });
    });

    it('amdimStlViews crops to 64x64', () => {
      const views = amdimStlViews().generate(randomImages([2, 72, 72, 3]), new Rng(3));
      expect(views.view1!.shape).toEqual([2, 64, 64, 3]);
      expect(views.view2!.shape).toEqual([2, 64, 64, 3]);
      tf.dispose(views);
    });

    it('the shared flip gives both views the same flip per image', async () => {
      const batch = randomImages([16, 4, 6, 3], 4);
      const views = new TwoViewGenerator({ sharedFlip: 0.5 }).generate(batch, new Rng(7));
      expect(await maxAbsDiff(views.view1!, views.view2!)).toBe(0);
      const mirrored = tf.reverse(batch, 2);
      let flipped = 0;
      for (let i = 0; i < 16; i++) {
        const view = views.view1!.slice(i, 1);
        const asIs = await maxAbsDiff(view, batch.slice(i, 1));
        const asMirror = await maxAbsDiff(view, mirrored.slice(i, 1));
        expect(asIs === 0 || asMirror === 0).toBe(true);
        if (asIs !== 0) flipped++;
      }
      expect(flipped).toBeGreaterThan(0);
      expect(flipped).toBeLessThan(16);
    });

    it('independent per-view flips differ between the views', async () => {
      const batch = randomImages([16, 4, 6, 3], 4);
      const flip = new HorizontalFlip(0.5);
      const views = new TwoViewGenerator({ view1: flip }).generate(batch, new Rng(7));
      expect(await maxAbsDiff(views.view1!, views.view2!)).toBeGreaterThan(0);
    });

    it('identity views are a fresh copy, normalised on request', async () => {
      const batch = randomImages([2, 3, 3, 3]);
      const plain = new IdentityViewGenerator().generate(batch, new Rng(1));
      expect(plain.view1).not.toBe(batch);
      expect(await maxAbsDiff(plain.view1!, batch)).toBe(0);
      const normalised = new IdentityViewGenerator(new Normalize(CIFAR10_STATS.mean, CIFAR10_STATS.std)).generate(batch);
      const expected = tf.div(tf.sub(batch, CIFAR10_STATS.mean), CIFAR10_STATS.std);
      expect(await maxAbsDiff(normalised.view1!, expected)).toBeLessThan(1e-5);
    });

    describe('PatchGridViewGenerator', () => {
      it('cuts patch (i, j) at (i * stride, j * stride)', async () => {
        const batch = randomImages([2, 10, 8, 3], 5);
        const { patches } = new PatchGridViewGenerator({ patchSize: 4, stride: 2 }).generate(batch, new Rng(1));
        expect(patches!.shape).toEqual([2, 4, 3, 4, 4, 3]);
        for (const [b, i, j] of [
          [0, 0, 0],
          [1, 2, 1],
          [1, 3, 2],
          [0, 1, 2],
        ] as const) {
          const patch = patches!.slice([b, i, j, 0, 0, 0], [1, 1, 1, 4, 4, 3]).reshape([4, 4, 3]);
          const hand = batch.slice([b, i * 2, j * 2, 0], [1, 4, 4, 3]).reshape([4, 4, 3]);
          expect(await maxAbsDiff(patch, hand)).toBe(0);
        }
      });

      it('augments every patch independently', async () => {
        const batch = randomImages([2, 8, 8, 1], 6);
        const generator = new PatchGridViewGenerator({ patchSize: 4, stride: 4, augment: new HorizontalFlip(0.5) });
        const { patches } = generator.generate(batch, new Rng(3));
        expect(patches!.shape).toEqual([2, 2, 2, 4, 4, 1]);
        const plain = new PatchGridViewGenerator({ patchSize: 4, stride: 4 }).generate(batch, new Rng(3)).patches!;
        const flippedPlain = tf.reverse(plain, 4);
        let flipped = 0;
        for (let k = 0; k < 8; k++) {
          const [b, i, j] = [k >> 2, (k >> 1) & 1, k & 1];
          const at = (t: tf.Tensor) => t.slice([b, i, j, 0, 0, 0], [1, 1, 1, 4, 4, 1]);
          const same = await maxAbsDiff(at(patches!), at(plain));
          expect(same === 0 || (await maxAbsDiff(at(patches!), at(flippedPlain))) === 0).toBe(true);
          if (same !== 0) flipped++;
        }
        expect(flipped).toBeGreaterThan(0);
        expect(flipped).toBeLessThan(8);
      });

      it('rejects patches larger than the image', () => {
        expect(() => new PatchGridViewGenerator({ patchSize: 9, stride: 1 }).generate(randomImages([1, 8, 8, 1]), new Rng(1))).toThrow(ShapeError);
      });
    });

    describe('TemporalWindowViewGenerator', () => {
      it('cuts each sequence at its own random offset', async () => {
        const sequences = tf.tensor3d(new Rng(9).uniformArray(3 * 20 * 2), [3, 20, 2]);
        const generator = new TemporalWindowViewGenerator(6);
        const { window } = generator.generate(sequences, new Rng(4));
        expect(window!.shape).toEqual([3, 6, 2]);
        const offsets = generator.sampleOffsets(3, 20, new Rng(4));
        expect(new Set(offsets).size).toBeGreaterThan(1);
        for (let b = 0; b < 3; b++) {
          const hand = sequences.slice([b, offsets[b]!, 0], [1, 6, 2]);
          expect(await maxAbsDiff(window!.slice([b, 0, 0], [1, 6, 2]), hand)).toBe(0);
        }
      });

      it('rejects windows longer than the sequences', () => {
        expect(() => new TemporalWindowViewGenerator(21).generate(tf.zeros([1, 20, 1]), new Rng(1))).toThrow(
          /window length 21 exceeds the 20 steps/,
        );
      });
    });
  });
}

describe('backends agree', () => {
  it('amdimCifarViews gives the same views on wasm as on the cpu reference', async () => {
    const run = async (backend: string) => {
      await useBackend(backend);
      const batch = randomImages([6, 12, 12, 3], 21);
      const views = amdimCifarViews().generate(batch, new Rng(8));
      const out = [Array.from(await views.view1!.data()), Array.from(await views.view2!.data())];
      tf.dispose([batch, views]);
      return out;
    };
    const reference = await run('cpu');
    const wasm = await run('wasm');
    for (let v = 0; v < 2; v++) {
      const worst = reference[v]!.reduce((m, value, i) => Math.max(m, Math.abs(value - wasm[v]![i]!)), 0);
      expect(worst).toBeLessThan(1e-4);
    }
  });
});
