import { describe, expect, it } from 'vitest';
import { Rng } from '@infomax/core';

describe('Rng', () => {
  it('reproduces a stream from the same seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('restores a saved state exactly, including the cached Gaussian', () => {
    const rng = new Rng('run');
    rng.normal();
    const state = structuredClone(rng.getState());
    const expected = [rng.normal(), rng.next(), rng.int(0, 9)];
    const restored = Rng.fromState(state);
    expect([restored.normal(), restored.next(), restored.int(0, 9)]).toEqual(expected);
  });

  it('forks independent children without advancing the parent', () => {
    const rng = new Rng(7);
    const before = rng.getState();
    const childA = rng.fork('a');
    const childA2 = new Rng(7).fork('a');
    expect(rng.getState()).toEqual(before);
    expect(childA.next()).toBe(childA2.next());
    expect(rng.fork('b').next()).not.toBe(new Rng(7).fork('a').next());
  });

  it('draws uniform values with the right moments', () => {
    const rng = new Rng(1);
    const n = 20000;
    let sum = 0;
    let sumSq = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (u < 0 || u >= 1) outside++;
      sum += u;
      sumSq += u * u;
    }
    expect(outside).toBe(0);
    expect(sum / n).toBeCloseTo(0.5, 1);
    expect(sumSq / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
  });

  it('draws normal values with mean 0 and variance 1', () => {
    const xs = new Rng(2).normalArray(20000);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('makes permutations of 0..n-1', () => {
    const p = Array.from(new Rng(3).permutation(100));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('covers both ends of int ranges and rejects bad ranges and states', () => {
    const rng = new Rng(4);
    const seen = new Set(Array.from({ length: 200 }, () => rng.int(-2, 2)));
    expect([...seen].sort()).toEqual([-1, -2, 0, 1, 2]);
    expect(() => rng.int(3, 1)).toThrow(/low <= high/);
    expect(() => rng.setState({ s: [1, 2, 3] as never, spare: null })).toThrow(/four uint32 words/);
  });
});
