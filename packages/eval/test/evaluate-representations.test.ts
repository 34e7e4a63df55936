import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@infomax/core';
import { evaluateRepresentations, formatAccuracyTable, rawPixelFeaturizer, type RepresentationRow } from '../src';
import { gaussianBlobs, imageSource } from './fixtures';

describe('evaluateRepresentations (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  // 2x2 single-channel "images" whose four pixels are 4-d Gaussian blobs of 3 classes.
  const train = imageSource('blobs-train', gaussianBlobs(90, 4, 3, 41), 3);
  const test = imageSource('blobs-test', gaussianBlobs(45, 4, 3, 42), 3);
  // A representation that throws the class signal away: one constant feature per example.
  const constant = (x: tf.Tensor) => tf.ones([x.shape[0]!, 1]);
  const options = { batchSize: 32, linearProbe: { epochs: 30, learningRate: 0.1, batchSize: 90 }, knn: { k: 3 } };

  it('evaluates every candidate on the same splits', async () => {
    train.calls.length = 0;
    test.calls.length = 0;
    const stages: string[] = [];
    const rows = await evaluateRepresentations({
      train,
      test,
      numClasses: 3,
      candidates: [
        { name: 'raw pixels', featurize: rawPixelFeaturizer() },
        { name: 'constant', featurize: constant },
      ],
      options: { ...options, onProgress: ({ candidate, stage }) => stages.push(`${candidate}:${stage}`) },
    });
    expect(rows.map((r) => [r.name, r.dim])).toEqual([['raw pixels', 4], ['constant', 1]]);
    const [raw, flat] = rows as [RepresentationRow, RepresentationRow];
    expect(raw.linearProbeTestAccuracy).toBe(1);
    expect(raw.linearProbeTrainAccuracy).toBe(1);
    expect(raw.knnTestAccuracy).toBe(1);
    // Every example looks the same: the probe predicts one class (a third of balanced data),
    // and kNN votes among tied neighbours.
    expect(flat.linearProbeTestAccuracy).toBeCloseTo(1 / 3, 6);
    expect(flat.knnTestAccuracy).toBeLessThan(0.7);
    expect(flat.linearProbeWeightDecay).toBe(1e-4);
    expect(stages.slice(0, 4)).toEqual(['raw pixels:features', 'raw pixels:linear probe', 'raw pixels:knn', 'raw pixels:done']);
    // Batches of 32 over 90 + 45 examples, twice (once per candidate).
    expect(train.calls.map((c) => c.length)).toEqual([32, 32, 26, 32, 32, 26]);
    expect(test.calls.map((c) => c.length)).toEqual([32, 13, 32, 13]);
    // Rows are plain JSON.
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
  });

  it('reproduces its table from the same seed and can skip kNN', async () => {
    const run = () =>
      evaluateRepresentations({
        train,
        test,
        numClasses: 3,
        candidates: [{ name: 'raw pixels', featurize: rawPixelFeaturizer() }],
        options: { ...options, knn: false, linearProbe: { ...options.linearProbe, epochs: 3, learningRate: 0.01, seed: 5 } },
      });
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a[0]!.knnTestAccuracy).toBeNull();
  });

  it('fails clearly on bad candidates and class counts', async () => {
    const base = { train, test, numClasses: 3, options };
    await expect(evaluateRepresentations({ ...base, candidates: [] })).rejects.toThrow(/no candidates to evaluate/);
    await expect(
      evaluateRepresentations({
        ...base,
        candidates: [
          { name: 'a', featurize: rawPixelFeaturizer() },
          { name: 'a', featurize: constant },
        ],
      }),
    ).rejects.toThrow(/two candidates are named 'a'/);
    await expect(
      evaluateRepresentations({ ...base, numClasses: 2, candidates: [{ name: 'a', featurize: rawPixelFeaturizer() }] }),
    ).rejects.toThrow(/source 'blobs-train' has 3 classes, but numClasses is 2/);
  });
});

describe('formatAccuracyTable', () => {
  it('lays rows out in fixed-width columns with percentages', () => {
    const table = formatAccuracyTable([
      {
        name: 'raw pixels',
        dim: 784,
        linearProbeTrainAccuracy: 0.8712,
        linearProbeTestAccuracy: 0.8421,
        knnTestAccuracy: 0.851,
        linearProbeWeightDecay: 0,
      },
      {
        name: 'random encoder',
        dim: 64,
        linearProbeTrainAccuracy: 0.7,
        linearProbeTestAccuracy: 0.69,
        knnTestAccuracy: null,
        linearProbeWeightDecay: 0,
      },
    ]);
    expect(table).toBe(
      [
        'representation  dim  probe train  probe test  kNN test',
        '--------------  ---  -----------  ----------  --------',
        'raw pixels      784       87.1 %      84.2 %    85.1 %',
        'random encoder   64       70.0 %      69.0 %         -',
      ].join('\n'),
    );
  });
});
