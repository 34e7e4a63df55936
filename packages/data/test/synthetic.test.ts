import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '@infomax/core';
import {
  batchIndices,
  countBatches,
  createSyntheticSequences,
  createSyntheticShapes,
  SYNTHETIC_SHAPE_CLASSES,
  syntheticSequenceFrequencies,
} from '@infomax/data';

const raw = (source: ReturnType<typeof createSyntheticShapes>) =>
  Array.from({ length: source.size }, (_, i) => Array.from(source.rawExample(i)));

describe('synthetic shapes', () => {
  it('is deterministic by seed and differs across seeds', () => {
    const a = createSyntheticShapes({ count: 12, seed: 7, imageSize: 16 });
    const b = createSyntheticShapes({ count: 12, seed: 7, imageSize: 16 });
    const c = createSyntheticShapes({ count: 12, seed: 8, imageSize: 16 });
    expect(raw(a)).toEqual(raw(b));
    expect(Array.from(a.labelArray())).toEqual(Array.from(b.labelArray()));
    expect(raw(a)).not.toEqual(raw(c));
  });

  it('balances the classes', () => {
    const source = createSyntheticShapes({ count: 103, imageSize: 12, numClasses: 10, seed: 1 });
    const counts = new Array<number>(10).fill(0);
    for (const label of source.labelArray()) counts[label]!++;
    expect(counts.every((n) => n === 10 || n === 11)).toBe(true);
    expect(counts.reduce((s, n) => s + n, 0)).toBe(103);
    expect(source.numClasses).toBe(10);
    expect(source.classNames).toEqual(SYNTHETIC_SHAPE_CLASSES);
  });

  it('draws 28x28x1 and 32x32x3 images with a visible shape on a contrasting ground', () => {
    const gray = createSyntheticShapes({ count: 40, imageSize: 28, noise: 0, seed: 2 });
    expect(gray.exampleShape).toEqual([28, 28, 1]);
    const colour = createSyntheticShapes({ count: 40, imageSize: 32, noise: 0, seed: 2, numClasses: 4 });
    expect(colour.exampleShape).toEqual([32, 32, 3]);
    for (const source of [gray, colour]) {
      for (let i = 0; i < source.size; i++) {
        const px = source.rawExample(i);
        const c = source.exampleShape[2];
        // Per pixel, the channel sum; the shape covers part of the image, the ground the rest.
        const sums = Array.from({ length: px.length / c }, (_, p) => {
          let s = 0;
          for (let k = 0; k < c; k++) s += px[p * c + k]!;
          return s / c;
        });
        const lo = Math.min(...sums);
        const hi = Math.max(...sums);
        expect(hi - lo).toBeGreaterThan(0.25 * 255);
        const mid = (lo + hi) / 2;
        const shapeSide = sums.filter((v) => v > mid).length / sums.length;
        expect(shapeSide).toBeGreaterThan(0.02);
        expect(shapeSide).toBeLessThan(0.98);
      }
    }
  });

  it('pads and replicates channels through the output options', () => {
    const source = createSyntheticShapes({ count: 4, imageSize: 28, padTo: 32, channels: 3 });
    expect(source.exampleShape).toEqual([32, 32, 3]);
    const { x, labels } = source.batch(Int32Array.of(0, 1));
    expect(x.shape).toEqual([2, 32, 32, 3]);
    tf.dispose([x, labels!]);
  });

  it('rejects impossible options', () => {
    expect(() => createSyntheticShapes({ count: 0 })).toThrow(/count must be a positive integer/);
    expect(() => createSyntheticShapes({ count: 4, numClasses: 11 })).toThrow(/numClasses must be an integer in 2\.\.10/);
  });
});

describe('synthetic sequences', () => {
  it('has [T, 1] examples, balanced labels and [B, T, 1] batches', async () => {
    const source = createSyntheticSequences({ count: 20, length: 64, numClasses: 4, seed: 3 });
    expect(source.exampleShape).toEqual([64, 1]);
    expect(source.numClasses).toBe(4);
    const counts = [0, 0, 0, 0];
    for (const label of source.labelArray()) counts[label]!++;
    expect(counts).toEqual([5, 5, 5, 5]);
    const { x, labels } = source.batch(Int32Array.of(1, 2, 3));
    expect(x.shape).toEqual([3, 64, 1]);
    expect(labels!.shape).toEqual([3]);
    tf.dispose([x, labels!]);
    const again = createSyntheticSequences({ count: 20, length: 64, numClasses: 4, seed: 3 });
    const b1 = source.batch(Int32Array.of(5));
    const b2 = again.batch(Int32Array.of(5));
    expect(Array.from(await b1.x.data())).toEqual(Array.from(await b2.x.data()));
    tf.dispose([b1.x, b1.labels!, b2.x, b2.labels!]);
  });

  it('gives each class a distinct frequency set', () => {
    const sets = syntheticSequenceFrequencies(8, 2);
    expect(sets).toHaveLength(8);
    expect(new Set(sets.map((s) => s.join(','))).size).toBe(8);
    for (const s of sets) {
      expect(s).toHaveLength(2);
      for (const f of s) expect(f >= 0.004 && f <= 0.1 + 1e-12).toBe(true);
    }
  });

  it('puts the power of each sequence at its class frequencies', async () => {
    const numClasses = 6;
    const length = 1024;
    const source = createSyntheticSequences({ count: 12, length, numClasses, noise: 0.05, seed: 9 });
    const sets = syntheticSequenceFrequencies(numClasses, 2);
    const bank = [...new Set(sets.flat())].sort((a, b) => a - b);
    const { x, labels } = source.batch(Int32Array.from({ length: 12 }, (_, i) => i));
    const values = await x.data();
    const classes = await labels!.data();
    tf.dispose([x, labels!]);
    for (let n = 0; n < 12; n++) {
      const row = values.subarray(n * length, (n + 1) * length);
      // Power near each bank frequency (a small band absorbs the per-example detuning).
      const power = bank.map((f) => {
        let best = 0;
        for (let k = -4; k <= 4; k++) {
          const w = 2 * Math.PI * f * (1 + 0.006 * k);
          let re = 0;
          let im = 0;
          for (let t = 0; t < length; t++) {
            re += row[t]! * Math.cos(w * t);
            im += row[t]! * Math.sin(w * t);
          }
          best = Math.max(best, re * re + im * im);
        }
        return best;
      });
      const top2 = power
        .map((p, i) => [p, bank[i]!] as const)
        .sort((a, b) => b[0] - a[0])
        .slice(0, 2)
        .map(([, f]) => f)
        .sort((a, b) => a - b);
      expect(top2).toEqual([...sets[classes[n]!]!].sort((a, b) => a - b));
    }
  });
});

describe('batchIndices', () => {
  it('covers every example once per epoch, seeded', () => {
    const batches = [...batchIndices(10, 4, new Rng(5))];
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    const all = batches.flatMap((b) => Array.from(b)).sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const again = [...batchIndices(10, 4, new Rng(5))].map((b) => Array.from(b));
    expect(again).toEqual(batches.map((b) => Array.from(b)));
    expect(batches.map((b) => Array.from(b)).flat()).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('drops the last short batch when asked, and keeps order without an rng', () => {
    expect([...batchIndices(10, 4, new Rng(1), { dropLast: true })].map((b) => b.length)).toEqual([4, 4]);
    expect([...batchIndices(5, 2, null)].map((b) => Array.from(b))).toEqual([[0, 1], [2, 3], [4]]);
    expect(countBatches(10, 4)).toBe(3);
    expect(countBatches(10, 4, { dropLast: true })).toBe(2);
    expect(() => [...batchIndices(3, 4, null, { dropLast: true })]).toThrow(/leaves no batch of a data set of 3/);
    expect(() => [...batchIndices(3, 0, null)]).toThrow(/batch size must be a positive integer/);
  });
});
