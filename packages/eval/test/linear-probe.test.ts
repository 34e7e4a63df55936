import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, TEST_BACKENDS, useBackend } from '@infomax/core';
import { EvalInputError, linearProbe, type LabelledFeatures, type LinearProbeInput } from '../src';
import { gaussianBlobs, randomLabelled } from './fixtures';

function probeInput(train: LabelledFeatures, test: LabelledFeatures, numClasses: number): LinearProbeInput {
  return {
    trainFeatures: train.features,
    trainLabels: train.labels,
    testFeatures: test.features,
    testLabels: test.labels,
    numClasses,
    dim: train.dim,
  };
}

const fast = { epochs: 20, learningRate: 0.05, batchSize: 128 };

for (const { name } of TEST_BACKENDS) {
  describe(`linearProbe (${name})`, () => {
    beforeAll(() => useBackend(name));

    it('separates Gaussian blobs almost perfectly', async () => {
      const input = probeInput(gaussianBlobs(240, 6, 4, 1), gaussianBlobs(120, 6, 4, 2), 4);
      const result = await linearProbe(input, fast);
      expect(result.trainAccuracy).toBeGreaterThanOrEqual(0.99);
      expect(result.testAccuracy).toBeGreaterThanOrEqual(0.98);
      expect(result.lossCurve).toHaveLength(20);
      expect(result.lossCurve.at(-1)!).toBeLessThan(result.lossCurve[0]! / 4);
      expect(result.weightDecay).toBe(1e-4);
      expect(result.weightDecayTrials).toEqual([]);
    });

    it('stays near chance on the test split of random labels', async () => {
      // 4 classes: chance is 25 %; 400 test rows put 2 standard errors at about 4 points.
      const input = probeInput(randomLabelled(256, 16, 4, 3), randomLabelled(400, 16, 4, 4), 4);
      const result = await linearProbe(input, fast);
      expect(Math.abs(result.testAccuracy - 0.25)).toBeLessThan(0.09);
      // It still fits some noise on train, which is why only test accuracy means anything.
      expect(result.trainAccuracy).toBeGreaterThan(result.testAccuracy);
    });

    it('full-batch training converges too', async () => {
      const input = probeInput(gaussianBlobs(90, 3, 3, 5), gaussianBlobs(60, 3, 3, 6), 3);
      const result = await linearProbe(input, { epochs: 50, learningRate: 0.1, batchSize: 10_000 });
      expect(result.testAccuracy).toBe(1);
      // Full batch: the objective of a convex problem under small Adam steps falls monotonically here.
      for (let i = 1; i < result.lossCurve.length; i++) expect(result.lossCurve[i]!).toBeLessThan(result.lossCurve[i - 1]! + 1e-6);
    });

    it('leaks no tensors', async () => {
      const input = probeInput(gaussianBlobs(40, 3, 2, 7), gaussianBlobs(20, 3, 2, 8), 2);
      await expectNoLeakedTensors(
        () => linearProbe(input, { epochs: 3, batchSize: 16, weightDecayCandidates: [0, 0.1] }),
        { repeats: 2, label: 'linearProbe' },
      );
    });
  });
}

describe('linearProbe (cpu): seeding, selection and errors', () => {
  beforeAll(() => useBackend('cpu'));
  const train = randomLabelled(120, 8, 3, 11);
  const test = randomLabelled(60, 8, 3, 12);

  it('reproduces accuracies and loss curves from the same seed', async () => {
    const options = { epochs: 5, batchSize: 32, seed: 7 };
    const a = await linearProbe(probeInput(train, test, 3), options);
    const b = await linearProbe(probeInput(train, test, 3), options);
    expect(b).toEqual(a);
    const c = await linearProbe(probeInput(train, test, 3), { ...options, seed: 8 });
    expect(c.lossCurve).not.toEqual(a.lossCurve);
  });

  it('chooses weight decay on held-out TRAIN rows only', async () => {
    const options = { epochs: 5, batchSize: 32, weightDecayCandidates: [0, 0.01, 10], validationFraction: 0.25 };
    const a = await linearProbe(probeInput(train, test, 3), options);
    expect(a.weightDecayTrials.map((t) => t.weightDecay)).toEqual([0, 0.01, 10]);
    const best = Math.max(...a.weightDecayTrials.map((t) => t.validationAccuracy));
    const winners = a.weightDecayTrials.filter((t) => t.validationAccuracy === best).map((t) => t.weightDecay);
    // Ties go to the strongest penalty.
    expect(a.weightDecay).toBe(Math.max(...winners));
    // Scrambling the test labels and features cannot change the choice.
    const scrambled = randomLabelled(60, 8, 3, 99);
    const b = await linearProbe(probeInput(train, scrambled, 3), options);
    expect(b.weightDecayTrials).toEqual(a.weightDecayTrials);
    expect(b.weightDecay).toBe(a.weightDecay);
  });

  it('uses a single candidate without a validation split', async () => {
    const result = await linearProbe(probeInput(train, test, 3), { epochs: 2, weightDecayCandidates: [0.5] });
    expect(result.weightDecay).toBe(0.5);
    expect(result.weightDecayTrials).toEqual([]);
  });

  it('fails clearly on bad inputs', async () => {
    const ok = probeInput(train, test, 3);
    await expect(linearProbe({ ...ok, trainLabels: ok.trainLabels.slice(1) })).rejects.toThrow(
      /linearProbe train split: features hold 960 values, but 119 labels x dim 8 needs 952/,
    );
    await expect(linearProbe({ ...ok, testFeatures: ok.testFeatures.slice(8) })).rejects.toThrow(EvalInputError);
    await expect(linearProbe({ ...ok, numClasses: 2 })).rejects.toThrow(
      /label 2 at row \d+ is outside \[0, 2\); numClasses is smaller than a label/,
    );
    await expect(
      linearProbe({ ...ok, trainFeatures: new Float32Array(0), trainLabels: new Int32Array(0) }),
    ).rejects.toThrow(/linearProbe train split is empty/);
    await expect(
      linearProbe({ ...ok, testFeatures: new Float32Array(0), testLabels: new Int32Array(0) }),
    ).rejects.toThrow(/linearProbe test split is empty/);
    await expect(linearProbe(ok, { epochs: 0 })).rejects.toThrow(/Invalid linearProbe options:\n {2}- epochs: /);
    await expect(linearProbe(ok, { validationFraction: 1 })).rejects.toThrow(/- validationFraction: /);
  });
});
