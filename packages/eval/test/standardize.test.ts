import { describe, expect, it } from 'vitest';
import { applyStandardization, EvalInputError, featureMoments, standardize } from '../src';

describe('standardize', () => {
  // Column 0: 1, 3, 5 -> mean 3, population std sqrt(8/3). Column 1 is constant 10.
  const train = { features: Float32Array.from([1, 10, 3, 10, 5, 10]), dim: 2 };
  const test = { features: Float32Array.from([3, 11, 7, 10]), dim: 2 };
  const s = Math.sqrt(8 / 3);

  it('computes mean and std from the train split by hand', () => {
    const out = standardize(train, test);
    expect([...out.mean]).toEqual([3, 10]);
    expect(out.std[0]).toBeCloseTo(s, 6);
    // A constant train feature is only centred (divisor 1), so its test values stay finite.
    expect(out.std[1]).toBe(1);
    const expectedTrain = [-2 / s, 0, 0, 0, 2 / s, 0];
    const expectedTest = [0, 1, 4 / s, 0];
    out.train.forEach((v, i) => expect(v).toBeCloseTo(expectedTrain[i]!, 5));
    out.test.forEach((v, i) => expect(v).toBeCloseTo(expectedTest[i]!, 5));
  });

  it('never looks at the test split for its statistics', () => {
    const a = standardize(train, test);
    const b = standardize(train, { features: Float32Array.from([100, -50, 1e4, 3]), dim: 2 });
    expect([...b.mean]).toEqual([...a.mean]);
    expect([...b.std]).toEqual([...a.std]);
    expect([...b.train]).toEqual([...a.train]);
    expect(b.test[0]).toBeCloseTo((100 - 3) / s, 4);
  });

  it('leaves train columns with mean 0 and std 1', () => {
    const features = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i) * 7 + (i % 3) * 100);
    const out = standardize({ features, dim: 3 }, { features: new Float32Array(0), dim: 3 });
    const moments = featureMoments({ features: out.train, dim: 3 });
    moments.mean.forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-5));
    moments.std.forEach((v) => expect(v).toBeCloseTo(1, 5));
  });

  it('rejects mismatched dims and empty train splits', () => {
    expect(() => standardize(train, { features: new Float32Array(3), dim: 3 })).toThrow(EvalInputError);
    expect(() => standardize(train, { features: new Float32Array(3), dim: 3 })).toThrow(/train has dim 2 but test has dim 3/);
    expect(() => standardize({ features: new Float32Array(0), dim: 2 }, test)).toThrow(/cannot take moments of 0 values/);
    expect(() => applyStandardization(test, new Float32Array(3), new Float32Array(3))).toThrow(/statistics have length 3/);
  });
});
