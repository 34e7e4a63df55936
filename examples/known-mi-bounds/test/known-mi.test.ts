import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Rng, useBackend } from '@infomax/core';
import {
  rhoForMutualInformation,
  sampleCorrelatedGaussians,
  trueMutualInformation,
} from '../src/correlated-gaussians';
import { runKnownMiComparison, type KnownMiComparison } from '../src/run-known-mi-comparison';
import { comparisonChartSvg, comparisonTable } from '../src/comparison-report';
import { lineChartSvg, niceTicks } from '../src/svg-line-chart';

describe('correlated Gaussians', () => {
  it('true MI is -d/2 log(1 - rho^2) and rhoForMutualInformation inverts it', () => {
    expect(trueMutualInformation(0, 3)).toBe(-0);
    expect(trueMutualInformation(0.6, 2)).toBeCloseTo(-Math.log(0.64), 12);
    for (const mi of [0.1, 1, 5]) expect(trueMutualInformation(rhoForMutualInformation(mi, 4), 4)).toBeCloseTo(mi, 10);
  });

  it('samples have unit variance and per-dimension correlation rho', () => {
    const n = 20000;
    const { x, y } = sampleCorrelatedGaussians(n, 2, 0.7, new Rng(5));
    let sxy = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      sxy += x[2 * i + 1]! * y[2 * i + 1]!;
      syy += y[2 * i + 1]! ** 2;
    }
    expect(syy / n).toBeCloseTo(1, 1);
    expect(sxy / n).toBeCloseTo(0.7, 1);
    expect(() => sampleCorrelatedGaussians(2, 2, 1, new Rng(0))).toThrow(/rho must be in \(-1, 1\)/);
  });
});

describe('svg line chart', () => {
  it('picks round ticks that cover the range', () => {
    expect(niceTicks(0, 4.16)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(niceTicks(0, 0.55)).toEqual([0, 0.2, 0.4, 0.6]);
    expect(niceTicks(-0.3, 1)).toEqual([-0.5, 0, 0.5, 1]);
    expect(niceTicks(2, 2)).toEqual([2, 3]);
  });

  it('draws one path per series, markers on request, and escapes text', () => {
    const svg = lineChartSvg({
      title: 'a < b & c',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        { name: 'one', points: [[0, 0], [1, 1]], color: 'red', markers: true },
        { name: 'two', points: [[0, 1], [1, 2], [2, 2]], color: 'blue', dashed: true },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('a &lt; b &amp; c');
    expect(svg).toContain('stroke-dasharray');
  });
});

describe('known-MI comparison, short run on cpu', () => {
  let result: KnownMiComparison;
  const rhos = [0.3, 0.7, 0.9];
  const batchSize = 32;

  beforeAll(async () => {
    await useBackend('cpu');
    const before = tf.memory().numTensors;
    result = await runKnownMiComparison({
      steps: 60,
      batchSize,
      dims: 2,
      rhos,
      bounds: ['infonce', 'jsd'],
      seed: 1,
      learningRate: 5e-3,
      hidden: 32,
      embedding: 16,
      evalBatches: 4,
      traceEvery: 20,
    });
    // The whole experiment (critics, optimizers, batches) cleans up after itself.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('returns one curve per bound with a point per rho and a training trace', () => {
    expect(result.curves.map((c) => [c.bound, c.estimateKind])).toEqual([
      ['infonce', 'mutual-information'],
      ['jsd', 'jensen-shannon'],
    ]);
    expect(result.logN).toBeCloseTo(Math.log(batchSize), 12);
    for (const curve of result.curves) {
      expect(curve.points.map((p) => p.rho)).toEqual(rhos);
      for (const p of curve.points) {
        expect(p.trueMi).toBeCloseTo(trueMutualInformation(p.rho, 2), 12);
        expect(p.trace.map(([step]) => step)).toEqual([20, 40, 60]);
        expect(Number.isFinite(p.estimate) && Number.isFinite(p.std)).toBe(true);
      }
    }
  });

  it('InfoNCE stays below log N, is clearly positive at rho 0.9 and orders the MI levels', () => {
    const nce = result.curves.find((c) => c.bound === 'infonce')!.points;
    for (const p of nce) expect(p.estimate).toBeLessThanOrEqual(result.logN + 1e-4);
    const high = nce[2]!;
    expect(high.estimate).toBeGreaterThan(0.5 * high.trueMi); // truth 1.66 nats
    expect(nce[0]!.estimate).toBeLessThan(nce[1]!.estimate);
    expect(nce[1]!.estimate).toBeLessThan(nce[2]!.estimate);
    // Low MI is far below log N, where InfoNCE should be close to the truth.
    expect(Math.abs(nce[0]!.estimate - nce[0]!.trueMi)).toBeLessThan(0.2);
  });

  it('JSD grows with the true MI and stays within [0, log 2]', () => {
    const j = result.curves.find((c) => c.bound === 'jsd')!.points.map((p) => p.estimate);
    expect(j[0]!).toBeLessThan(j[1]!);
    expect(j[1]!).toBeLessThan(j[2]!);
    for (const v of j) expect(v).toBeLessThan(Math.log(2));
  });

  it('renders the chart and the table', () => {
    const svg = comparisonChartSvg(result);
    expect(svg).toContain('Estimate vs true MI, per bound (d = 2, N = 32)');
    expect(svg).toContain('jsd (JSD, not MI)');
    // true MI, log N and one line per bound.
    expect(svg.match(/<path /g)).toHaveLength(4);
    const table = comparisonTable(result);
    expect(table.split('\n')[0]).toMatch(/rho\s+true MI\s+infonce\s+jsd \(JSD\)/);
    expect(table.split('\n')).toHaveLength(2 + rhos.length + 1);
  });
});
