import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, useBackend, type Encoder } from '@infomax/core';
import { AmdimEncoder, CpcPatchEncoder, CpcStridedEncoder1d, DimConvEncoder } from '@infomax/encoders';
import { maxAbsDiff, seededNormal } from './helpers';

type Built = { encoder: Encoder & { dispose(): void }; inputShape: number[] };

// Each with batch norm wherever it has one, two groups of two examples.
const ENCODERS: Record<string, (rng: Rng) => Built> = {
  amdim: (rng) => ({ encoder: new AmdimEncoder({ ndf: 2, nRkhs: 4, useBatchNorm: true }, rng), inputShape: [32, 32, 3] }),
  'dim-basic': (rng) => ({
    encoder: new DimConvEncoder({ inputSize: 32, widths: [2, 3, 4], fcUnits: 5, yDim: 3 }, rng),
    inputShape: [32, 32, 3],
  }),
  'cpc-patch': (rng) => ({ encoder: new CpcPatchEncoder({ inChannels: 1, widths: [3, 4], norm: 'batch' }, rng), inputShape: [2, 2, 8, 8, 1] }),
  'cpc-strided-1d': (rng) => ({ encoder: new CpcStridedEncoder1d({ channels: 3 }, rng), inputShape: [320, 1] }),
};

describe('encoders with statisticsGroups', () => {
  beforeAll(() => useBackend('cpu'));

  for (const [name, make] of Object.entries(ENCODERS)) {
    it(`${name}: two stacked groups give each group's own features, as two calls do`, () => {
      const stacked = make(new Rng(name));
      const separate = make(new Rng(name));
      expect(stacked.encoder.supportsStatisticsGroups).toBe(true);
      const a = seededNormal([2, ...stacked.inputShape], `${name}-a`);
      const b = seededNormal([2, ...stacked.inputShape], `${name}-b`, 3);
      const together = stacked.encoder.apply(tf.concat([a, b], 0), { training: true, statisticsGroups: 2 });
      const first = separate.encoder.apply(a, { training: true });
      const second = separate.encoder.apply(b, { training: true });
      expect(Object.keys(together).sort()).toEqual(Object.keys(first).sort());
      for (const feature of Object.keys(first)) {
        const want = tf.concat([first[feature]!, second[feature]!], 0);
        expect(maxAbsDiff(want, together[feature]!), feature).toBeLessThan(1e-4);
        want.dispose();
      }
      const moving = (e: Built) => e.encoder.nonTrainableVariables.map((v) => Float32Array.from(v.dataSync()));
      const [got, want] = [moving(stacked), moving(separate)];
      expect(got.length).toBe(want.length);
      got.forEach((m, i) => m.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 5)));
      tf.dispose([a, b, ...Object.values(together), ...Object.values(first), ...Object.values(second)]);
      stacked.encoder.dispose();
      separate.encoder.dispose();
    });
  }
});
