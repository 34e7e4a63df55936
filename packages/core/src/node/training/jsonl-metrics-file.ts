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

  /**
   * Reads every record back (for reports and tests). A last line without its newline is what a
   * crash in the middle of an append leaves: it is not a record, and is dropped.
   */
  async read(): Promise<MetricsRecord[]> {
    return (await this.readLines()).records;
  }

  /**
   * Drops records after `step`: after resuming from a checkpoint at `step`, lines a crashed
   * run wrote past it would otherwise appear twice in the plots. Also drops a torn last line
   * (the next append would otherwise be glued to it). Replaces the file atomically.
   */
  async truncateAfter(step: number): Promise<void> {
    const { records, torn } = await this.readLines();
    const kept = records.filter((r) => r.step <= step);
    if (kept.length === records.length && !torn) return;
    const temp = `${this.file}.${process.pid}.tmp`;
    await fsp.writeFile(temp, kept.map((r) => JSON.stringify(r) + '\n').join(''), 'utf8');
    await fsp.rename(temp, this.file);
  }

  private async readLines(): Promise<{ records: MetricsRecord[]; torn: boolean }> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], torn: false };
      throw error;
    }
    const lines = text.split('\n');
    // After the last newline: '' for a complete file, a fragment after a torn append.
    const torn = lines.pop() !== '';
    const records: MetricsRecord[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        records.push(JSON.parse(line) as MetricsRecord);
      } catch (error) {
        throw new Error(`${this.file}, line ${i + 1} is not JSON (${(error as Error).message}); fix or delete that line`);
      }
    });
    return { records, torn };
  }
}
