import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { MetricsRecord, MetricsSink } from '../../training';

/**
 * Appends one JSON object per line to a file (metrics.jsonl): easy to tail, to plot, and to
 * append to again after a resume. NaN and Infinity are written as null (JSON has neither).
 */
export class JsonlMetricsFile implements MetricsSink {
  private ready: Promise<void> | null = null;

  constructor(readonly file: string) {}

  async write(record: MetricsRecord): Promise<void> {
    this.ready ??= fsp.mkdir(path.dirname(this.file), { recursive: true }).then(() => undefined);
    await this.ready;
    await fsp.appendFile(this.file, JSON.stringify(record) + '\n', 'utf8');
  }

  /** Reads every record back (for reports and tests). */
  async read(): Promise<MetricsRecord[]> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as MetricsRecord);
  }

  /**
   * Drops records after `step`: after resuming from a checkpoint at `step`, lines a crashed
   * run wrote past it would otherwise appear twice in the plots. Replaces the file atomically.
   */
  async truncateAfter(step: number): Promise<void> {
    const records = await this.read();
    const kept = records.filter((r) => r.step <= step);
    if (kept.length === records.length) return;
    const temp = `${this.file}.${process.pid}.tmp`;
    await fsp.writeFile(temp, kept.map((r) => JSON.stringify(r) + '\n').join(''), 'utf8');
    await fsp.rename(temp, this.file);
  }
}
