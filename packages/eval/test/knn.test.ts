import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, TEST_BACKENDS, useBackend } from '@infomax/core';
import { knnAccuracy, knnPredict, voteNearestFirst, type KnnMetric, type LabelledFeatures } from '../src';
import { randomLabelled } from './fixtures';

function set(rows: number[][], labels: number[]): LabelledFeatures {
  return { features: Float32Array.from(rows.flat()), labels: Int32Array.from(labels), dim: rows[0]!.length };
}

const polar = (degrees: number, radius: number) => [
  radius * Math.cos((degrees * Math.PI) / 180),
  radius * Math.sin((degrees * Math.PI) / 180),
];

/** Brute-force reference in float64: sort all train rows by distance, vote nearest-first. */
function referencePredict(train: LabelledFeatures, test: Float32Array, k: number, metric: KnnMetric): Int32Array {
  const { dim } = train;
  const n = train.labels.length;
  const row = (a: Float32Array, i: number) => Array.from(a.subarray(i * dim, (i + 1) * dim));
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const out = new Int32Array(test.length / dim);
  for (let q = 0; q < out.length; q++) {
    const query = row(test, q);
    const scored = Array.from({ length: n }, (_, i) => {
      const t = row(train.features, i);
      const score =
        metric === 'cosine'
          ? query.reduce((s, x, j) => s + x * t[j]!, 0) / (norm(query) * norm(t))
          : -query.reduce((s, x, j) => s + (x - t[j]!) ** 2, 0);
      return { i, score };
    }).sort((a, b) => b.score - a.score);
    out[q] = voteNearestFirst(scored.slice(0, k).map((s) => train.labels[s.i]!));
  }
  return out;
}

describe('voteNearestFirst', () => {
  it('takes the majority, and the nearest tied class on a tie', () => {
    expect(voteNearestFirst([1, 2, 2])).toBe(2);
    expect(voteNearestFirst([2, 1, 1, 2])).toBe(2);
    expect(voteNearestFirst([1, 2, 3])).toBe(1);
    expect(voteNearestFirst([0, 5, 5, 0, 5])).toBe(5);
  });
});

for (const { name } of TEST_BACKENDS) {
  describe(`knn (${name})`, () => {
    beforeAll(() => useBackend(name));

    it('finds the known euclidean neighbours for k = 1 and 3', async () => {
      // Class 0 at x = 0, 0.2, 0.4; class 1 at x = 3. The query at 2.5 is nearest to 3 (0.5 away),
      // but its next two neighbours are 0.4 (2.1) and 0.2 (2.3): k = 3 votes class 0.
      const train = set([[0, 0], [0.2, 0], [0.4, 0], [3, 0]], [0, 0, 0, 1]);
      const test = set([[2.5, 0], [-1, 0], [5, 0]], [1, 0, 1]);
      expect([...(await knnPredict(train, test.features, { k: 1, metric: 'euclidean' }))]).toEqual([1, 0, 1]);
      expect([...(await knnPredict(train, test.features, { k: 3, metric: 'euclidean' }))]).toEqual([0, 0, 0]);
      expect(await knnAccuracy(train, test, { k: 1, metric: 'euclidean' })).toBe(1);
      expect(await knnAccuracy(train, test, { k: 3, metric: 'euclidean' })).toBeCloseTo(1 / 3, 6);
    });

    it('finds the known cosine neighbours for k = 1 and 3, ignoring norms', async () => {
      // Angles (degrees) 0, 20 -> class 0; 35, 80, 90 -> class 1, at very different radii.
      const train = set([polar(0, 1), polar(20, 5), polar(35, 0.5), polar(80, 2), polar(90, 3)], [0, 0, 1, 1, 1]);
      // 30 deg: nearest 35 (class 1), then 20 and 0 (class 0). 85 deg: all three nearest are class 1.
      const test = set([polar(30, 7), polar(85, 0.1)], [0, 1]);
      expect([...(await knnPredict(train, test.features, { k: 1, metric: 'cosine' }))]).toEqual([1, 1]);
      expect([...(await knnPredict(train, test.features, { k: 3, metric: 'cosine' }))]).toEqual([0, 1]);
      expect(await knnAccuracy(train, test, { k: 1, metric: 'cosine' })).toBe(0.5);
      expect(await knnAccuracy(train, test, { k: 3, metric: 'cosine' })).toBe(1);
    });

    it('tells the metrics apart', async () => {
      // (2, 0.5) points along the far-away (100, 0) but sits next to (0, 1).
      const train = set([[100, 0], [0, 1]], [0, 1]);
      const query = Float32Array.from([2, 0.5]);
      expect([...(await knnPredict(train, query, { k: 1, metric: 'cosine' }))]).toEqual([0]);
      expect([...(await knnPredict(train, query, { k: 1, metric: 'euclidean' }))]).toEqual([1]);
    });

    it('matches a brute-force reference when the test rows are split into small blocks', async () => {
      const train = randomLabelled(50, 5, 3, 21);
      const test = randomLabelled(23, 5, 3, 22);
      for (const metric of ['cosine', 'euclidean'] as const) {
        for (const k of [1, 3, 7]) {
          // 120 elements per block -> 2 test rows per block against 50 train rows.
          const got = await knnPredict(train, test.features, { k, metric, maxBlockElements: 120 });
          expect([...got]).toEqual([...referencePredict(train, test.features, k, metric)]);
        }
      }
    });

    it('leaks no tensors', async () => {
      const train = randomLabelled(30, 4, 3, 31);
      const test = randomLabelled(10, 4, 3, 32);
      await expectNoLeakedTensors(() => knnAccuracy(train, test, { k: 3, metric: 'euclidean', maxBlockElements: 90 }), {
        label: 'knnAccuracy',
      });
    });
  });
}

describe('knn errors', () => {
  beforeAll(() => useBackend('cpu'));
  const train = set([[0, 0], [1, 1]], [0, 1]);

  it('names the problem', async () => {
    await expect(knnAccuracy(train, set([[0, 0, 0]], [0]), { k: 1 })).rejects.toThrow(
      /kNN train split has dim 2 but kNN test split has dim 3/,
    );
    await expect(knnAccuracy(train, set([[0, 0]], [0]), { k: 3 })).rejects.toThrow(/k = 3 exceeds the 2 train rows/);
    await expect(
      knnAccuracy(train, { features: new Float32Array(0), labels: new Int32Array(0), dim: 2 }, { k: 1 }),
    ).rejects.toThrow(/kNN test split is empty/);
    await expect(
      knnAccuracy({ ...train, labels: Int32Array.from([0]) }, set([[0, 0]], [0]), { k: 1 }),
    ).rejects.toThrow(/kNN train split: features hold 4 values, but 1 labels x dim 2 needs 2/);
    await expect(knnAccuracy(train, set([[0, 0]], [0]), { k: 0 })).rejects.toThrow(/Invalid kNN options:\n {2}- k: /);
    await expect(
      knnAccuracy(train, set([[0, 0]], [0]), { metric: 'manhattan' as 'cosine' }),
    ).rejects.toThrow(/- metric: /);
  });
});
