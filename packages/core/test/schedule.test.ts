import { describe, expect, it } from 'vitest';
import { learningRateAt } from '@infomax/core';

describe('learningRateAt', () => {
  it('warms up linearly so the first update already moves', () => {
    const schedule = { base: 1e-3, warmupSteps: 4 };
    expect([0, 1, 2, 3, 4, 100].map((s) => learningRateAt(s, schedule))).toEqual([2.5e-4, 5e-4, 7.5e-4, 1e-3, 1e-3, 1e-3]);
  });

  it('is constant without warm-up or decays', () => {
    expect(learningRateAt(0, { base: 2e-4 })).toBe(2e-4);
    expect(learningRateAt(12345, { base: 2e-4 })).toBe(2e-4);
  });

  it('applies step decays from their step on, compounding', () => {
    const schedule = { base: 1, decays: [{ atStep: 10, factor: 0.2 }, { atStep: 20, factor: 0.5 }] };
    expect(learningRateAt(9, schedule)).toBe(1);
    expect(learningRateAt(10, schedule)).toBeCloseTo(0.2, 12);
    expect(learningRateAt(19, schedule)).toBeCloseTo(0.2, 12);
    expect(learningRateAt(20, schedule)).toBeCloseTo(0.1, 12);
  });

  it('resolves fractional decays against totalSteps (AMDIM: x0.2 late in training)', () => {
    const schedule = { base: 2e-4, warmupSteps: 500, decays: [{ atFraction: 0.8, factor: 0.2 }], totalSteps: 1000 };
    expect(learningRateAt(0, schedule)).toBeCloseTo(4e-7, 15);
    expect(learningRateAt(499, schedule)).toBeCloseTo(2e-4, 15);
    expect(learningRateAt(799, schedule)).toBeCloseTo(2e-4, 15);
    expect(learningRateAt(800, schedule)).toBeCloseTo(4e-5, 15);
  });

  it('combines warm-up and a decay that starts inside it', () => {
    expect(learningRateAt(1, { base: 1, warmupSteps: 4, decays: [{ atStep: 1, factor: 0.5 }] })).toBeCloseTo(0.25, 12);
  });

  it('rejects bad input with a readable message', () => {
    expect(() => learningRateAt(-1, { base: 1 })).toThrow(/non-negative integer, got -1/);
    expect(() => learningRateAt(1.5, { base: 1 })).toThrow(/non-negative integer/);
    expect(() => learningRateAt(3, { base: 1, decays: [{ atFraction: 0.5, factor: 0.1 }] })).toThrow(/needs the schedule's totalSteps/);
  });
});
