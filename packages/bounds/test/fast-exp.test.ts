import { describe, expect, it } from 'vitest';
import { fastExp } from '../src/fast-exp';

// fastExp replaces Math.exp inside the fused InfoNCE kernel: it must agree to ~1e-14 over the
// whole range of doubles, including where the result is subnormal, and get the ends right.

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe('fastExp', () => {
  it('matches Math.exp to 1e-13 relative over the normal range', () => {
    let worst = 0;
    // A deterministic sweep: every step lands at a different reduction remainder.
    for (let x = -708; x <= 709; x += 0.0137) worst = Math.max(worst, relative(fastExp(x), Math.exp(x)));
    for (let x = -2; x <= 2; x += 1e-4) worst = Math.max(worst, relative(fastExp(x), Math.exp(x)));
    expect(worst).toBeLessThan(1e-13);
    expect(worst).toBeGreaterThan(0); // it is an approximation; a sweep of zeros would prove nothing
  });

  it('is exact at 0 and close at the usual constants', () => {
    expect(fastExp(0)).toBe(1);
    expect(relative(fastExp(1), Math.E)).toBeLessThan(1e-14);
    expect(relative(fastExp(-Math.LN2), 0.5)).toBeLessThan(1e-15);
    expect(relative(fastExp(20), Math.exp(20))).toBeLessThan(1e-14);
  });

  it('handles subnormal results, underflow and overflow like Math.exp', () => {
    for (const x of [-709.5, -720, -730.25, -740, -744.4]) {
      expect(relative(fastExp(x), Math.exp(x))).toBeLessThan(1e-6); // subnormals carry fewer bits
    }
    expect(fastExp(-745.3)).toBe(0);
    expect(fastExp(-1e6)).toBe(0);
    expect(fastExp(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(relative(fastExp(709.7), Math.exp(709.7))).toBeLessThan(1e-13);
    expect(fastExp(709.8)).toBe(Number.POSITIVE_INFINITY);
    expect(fastExp(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(fastExp(Number.NaN))).toBe(true);
  });
});
