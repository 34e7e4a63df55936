/** One line of metrics.jsonl as read back: numbers, or null where JSON had no number (NaN). */
export type MetricsRow = Record<string, number | null>;

/** `metric` against `step`, in step order; rows without the metric are left out. */
export function seriesOf(rows: readonly MetricsRow[], metric: string): { x: number; y: number | null }[] {
  return rows
    .filter((row) => typeof row.step === 'number' && metric in row)
    .map((row) => ({ x: row.step as number, y: typeof row[metric] === 'number' && Number.isFinite(row[metric]) ? (row[metric] as number) : null }))
    .sort((a, b) => a.x - b.x);
}

export function hasMetric(rows: readonly MetricsRow[], metric: string): boolean {
  return rows.some((row) => typeof row[metric] === 'number');
}

/** The last finite value of a metric. */
export function lastValue(rows: readonly MetricsRow[], metric: string): number | undefined {
  for (let i = rows.length - 1; i >= 0; i--) {
    const value = rows[i]![metric];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Parses metrics.jsonl text; unreadable lines (a crash mid-write) are skipped and counted. */
export function parseMetricsJsonl(text: string): { rows: MetricsRow[]; skipped: number } {
  const rows: MetricsRow[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = JSON.parse(line) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) rows.push(parsed as MetricsRow);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { rows, skipped };
}
