import type { ChartSeries } from './svg-line-chart';
import { lineChartSvg } from './svg-line-chart';
import type { KnownMiComparison } from './run-known-mi-comparison';

const COLORS: Record<string, string> = { infonce: '#1f77b4', jsd: '#9467bd', dv: '#d62728', nwj: '#2ca02c' };

/** "estimate vs true MI, per bound", with the truth and InfoNCE's log N ceiling as references. */
export function comparisonChartSvg(result: KnownMiComparison): string {
  const truths = [...new Set(result.curves.flatMap((c) => c.points.map((p) => p.trueMi)))].sort((a, b) => a - b);
  const maxTruth = truths[truths.length - 1] ?? 1;
  const series: ChartSeries[] = [
    { name: 'true MI', points: [[0, 0], [maxTruth, maxTruth]], color: '#555', dashed: true },
    { name: `log N = ${result.logN.toFixed(2)}`, points: [[0, result.logN], [maxTruth, result.logN]], color: '#aaa', dashed: true },
    ...result.curves.map((c) => ({
      name: c.estimateKind === 'jensen-shannon' ? `${c.bound} (JSD, not MI)` : c.bound,
      points: c.points.map((p) => [p.trueMi, p.estimate] as const),
      errors: c.points.map((p) => p.std),
      color: COLORS[c.bound] ?? '#000',
      markers: true,
    })),
  ];
  return lineChartSvg({
    title: `Estimate vs true MI, per bound (d = ${result.dims}, N = ${result.batchSize})`,
    xLabel: 'true mutual information (nats)',
    yLabel: 'estimate (nats)',
    series,
  });
}

/** A plain-text table: one row per rho, one column per bound (mean ± std over eval batches). */
export function comparisonTable(result: KnownMiComparison): string {
  const rhos = result.curves[0]?.points.map((p) => p.rho) ?? [];
  const header = ['rho', 'true MI', ...result.curves.map((c) => (c.estimateKind === 'jensen-shannon' ? `${c.bound} (JSD)` : c.bound))];
  const rows = rhos.map((rho, i) => [
    rho.toFixed(3),
    (result.curves[0]?.points[i]?.trueMi ?? Number.NaN).toFixed(3),
    ...result.curves.map((c) => {
      const p = c.points[i]!;
      return `${p.estimate.toFixed(3)} ± ${p.std.toFixed(3)}`;
    }),
  ]);
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col]!.length)));
  const line = (cells: string[]) => cells.map((c, col) => c.padStart(widths[col]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), `log N = ${result.logN.toFixed(3)} (InfoNCE's ceiling)`].join('\n');
}
