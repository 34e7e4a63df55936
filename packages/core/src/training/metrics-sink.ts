/**
 * One log line: `step` (completed updates), `epoch`, `lr` (main group), `loss`, the objective's
 * metrics by name (e.g. `estimate`), auxiliary groups' values as `<group>/<name>`,
 * `images_per_s` since the previous record and `time` in seconds since training started.
 */
export interface MetricsRecord {
  step: number;
  epoch: number;
  lr: number;
  loss: number;
  images_per_s: number;
  time: number;
  [metric: string]: number;
}

export interface MetricsSink {
  write(record: MetricsRecord): void | Promise<void>;
  /** Flushes and releases resources at the end of training. */
  close?(): void | Promise<void>;
}

/** Collects records in an array (tests, browsers, plots). */
export class MemoryMetricsSink implements MetricsSink {
  readonly records: MetricsRecord[] = [];

  write(record: MetricsRecord): void {
    this.records.push({ ...record });
  }
}
