import type { RepresentationRow } from './representation-row';

const percent = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(1)} %`);

/**
 * A fixed-width text table for terminals, e.g.
 *
 *   representation  dim  probe train  probe test  kNN test
 *   raw pixels      784       87.0 %      84.2 %    85.1 %
 */
export function formatAccuracyTable(rows: readonly RepresentationRow[]): string {
  const header = ['representation', 'dim', 'probe train', 'probe test', 'kNN test'];
  const body = rows.map((row) => [
    row.name,
    String(row.dim),
    percent(row.linearProbeTrainAccuracy),
    percent(row.linearProbeTestAccuracy),
    percent(row.knnTestAccuracy),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  // Names read left-aligned; numbers right-aligned so their decimal points line up.
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
