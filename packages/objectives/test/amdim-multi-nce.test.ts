import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, TEST_BACKENDS, useBackend } from '@infomax/core';
import { amdimMultiNce, selectLocations, type AmdimEmbeddings } from '@infomax/objectives';

type Maps = { r1: number[][]; r5: number[][][]; r7: number[][][] }; // [B][D], [B][L][D]

function randomMaps(rng: Rng, batch: number, depth: number, scale: number): Maps {
  const map = (l: number) => Array.from({ length: batch }, () => Array.from({ length: l }, () => Array.from({ length: depth }, () => rng.normal(0, scale))));
  return { r1: map(1).map((m) => m[0]!), r5: map(25), r7: map(49) };
}

function toTensors(m: Maps, batch: number, depth: number): AmdimEmbeddings {
  return {
    r1: tf.tensor4d(m.r1.flat(), [batch, 1, 1, depth]),
    r5: tf.tensor4d(m.r5.flat(2), [batch, 5, 5, depth]),
    r7: tf.tensor4d(m.r7.flat(2), [batch, 7, 7, depth]),
  };
}

/** Float64 reference straight from OBJECTIVES.md section 3, one direction. */
function referenceDirection(sources: number[][], targets: number[][][], clip: number, l2: number) {
  const depth = sources[0]!.length;
  const dot = (u: number[], v: number[]) => u.reduce((acc, x, i) => acc + x * v[i]!, 0) / Math.sqrt(depth);
  const raw = sources.map((u) => targets.map((map) => map.map((v) => dot(u, v))));
  const clipped = raw.map((row) => row.map((img) => img.map((s) => clip * Math.tanh(s / clip))));
  let total = 0;
  let count = 0;
  let sumSq = 0;
  let entries = 0;
  raw.forEach((row) => row.forEach((img) => img.forEach((s) => ((sumSq += s * s), entries++))));
  clipped.forEach((row, n) => {
    const negatives = row.flatMap((img, m) => (m === n ? [] : img));
    row[n]!.forEach((sp) => {
      const denom = Math.exp(sp) + negatives.reduce((acc, s) => acc + Math.exp(s), 0);
      total += sp - Math.log(denom);
      count++;
    });
  });
  return { nce: -total / count, reg: (l2 * sumSq) / entries };
}

function reference(a: Maps, b: Maps, locA: number[], locB: number[]) {
  const pick = (m: Maps, locs: number[]) => m.r5.map((map, n) => map[locs[n]!]!);
  const both = (x: { nce: number; reg: number }, y: { nce: number; reg: number }) => ({ nce: (x.nce + y.nce) / 2, reg: (x.reg + y.reg) / 2 });
  const p15 = both(referenceDirection(a.r1, b.r5, 20, 0.05), referenceDirection(b.r1, a.r5, 20, 0.05));
  const p17 = both(referenceDirection(a.r1, b.r7, 20, 0.05), referenceDirection(b.r1, a.r7, 20, 0.05));
  const p55 = both(referenceDirection(pick(a, locA), b.r5, 20, 0.05), referenceDirection(pick(b, locB), a.r5, 20, 0.05));
  const regularizer = p15.reg + p17.reg + p55.reg;
  return { nce1t5: p15.nce, nce1t7: p17.nce, nce5t5: p55.nce, regularizer, loss: p15.nce + p17.nce + p55.nce + regularizer };
}

for (const { name } of TEST_BACKENDS) {
  describe(`amdimMultiNce on ${name}`, () => {
    beforeAll(() => useBackend(name));

    for (const scale of [1, 8]) {
      it(`matches the float64 reference (score scale ${scale}, clipping ${scale > 1 ? 'active' : 'mild'})`, async () => {
        const batch = 3;
        const depth = 4;
        const rng = new Rng(11 + scale);
        const a = randomMaps(rng, batch, depth, scale);
        const b = randomMaps(rng, batch, depth, scale);
        const locA = [0, 12, 24];
        const locB = [7, 3, 18];
        const expected = reference(a, b, locA, locB);
        const result = amdimMultiNce(toTensors(a, batch, depth), toTensors(b, batch, depth), { sourceLocations: { a: locA, b: locB } });
        const got = {
          loss: (await result.loss.data())[0]!,
          nce1t5: (await result.terms.nce1t5.data())[0]!,
          nce1t7: (await result.terms.nce1t7.data())[0]!,
          nce5t5: (await result.terms.nce5t5.data())[0]!,
          regularizer: (await result.terms.regularizer.data())[0]!,
        };
        for (const key of Object.keys(expected) as (keyof typeof expected)[]) {
          expect(Math.abs(got[key] - expected[key]), key).toBeLessThan(1e-5 * Math.max(1, Math.abs(expected[key])));
        }
      });
    }

    it('selectLocations picks one row per image, and its gradient lands on those rows only', () => {
      const maps = tf.tensor3d(Array.from({ length: 3 * 4 * 2 }, (_, i) => i), [3, 4, 2]);
      const locations = [2, 0, 3];
      expect(selectLocations(maps, locations).arraySync()).toEqual([
        [4, 5],
        [8, 9],
        [22, 23],
      ]);
      const weights = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const grad = tf.grad((m: tf.Tensor) => tf.sum(tf.mul(selectLocations(m as tf.Tensor3D, locations), weights)))(maps);
      const want = [
        [[0, 0], [0, 0], [1, 2], [0, 0]],
        [[3, 4], [0, 0], [0, 0], [0, 0]],
        [[0, 0], [0, 0], [0, 0], [5, 6]],
      ];
      expect(grad.arraySync()).toEqual(want);
      tf.dispose([maps, weights, grad]);
    });

    it('depends on the fixed source locations only through the 5->5 term', async () => {
      const rng = new Rng(3);
      const a = toTensors(randomMaps(rng, 2, 3, 1), 2, 3);
      const b = toTensors(randomMaps(rng, 2, 3, 1), 2, 3);
      const one = amdimMultiNce(a, b, { sourceLocations: { a: [0, 0], b: [0, 0] } });
      const two = amdimMultiNce(a, b, { sourceLocations: { a: [5, 9], b: [1, 2] } });
      expect((await one.terms.nce1t5.data())[0]).toBe((await two.terms.nce1t5.data())[0]);
      expect((await one.terms.nce5t5.data())[0]).not.toBe((await two.terms.nce5t5.data())[0]);
    });
  });
}

describe('amdimMultiNce input checks and memory', () => {
  beforeAll(() => useBackend('cpu'));

  it('names the offending tensor on a wrong shape', () => {
    const rng = new Rng(1);
    const a = toTensors(randomMaps(rng, 2, 3, 1), 2, 3);
    const b = { ...a, r5: tf.zeros([2, 4, 4, 3]) as tf.Tensor4D };
    expect(() => amdimMultiNce(a, b)).toThrow(/b\.r5/);
    expect(() => amdimMultiNce(a, a, { sourceLocations: { a: [0, 25], b: [0, 0] } })).toThrow(/outside the map's 25 locations/);
  });

  it('leaks no tensors and draws source locations from the rng reproducibly', async () => {
    const rng = new Rng(2);
    const a = toTensors(randomMaps(rng, 4, 3, 1), 4, 3);
    const b = toTensors(randomMaps(rng, 4, 3, 1), 4, 3);
    await expectNoLeakedTensors(() => tf.dispose(amdimMultiNce(a, b, { rng: new Rng(5) }) as never));
    const x = amdimMultiNce(a, b, { rng: new Rng(5) });
    const y = amdimMultiNce(a, b, { rng: new Rng(5) });
    expect(await x.loss.data()).toEqual(await y.loss.data());
  });
});
