import cliProgress from 'cli-progress';
import type { MetricsRecord, StepEndEvent, TrainEndEvent, TrainerHooks, TrainStartEvent } from '../../training';

export interface ProgressBarOptions {
  /** Default: process.stderr (keeps stdout clean for piped output). */
  stream?: NodeJS.WriteStream;
  /** Force the interactive bar on or off; default: on when the stream is a TTY and CI is not set. */
  interactive?: boolean;
  /** The metric shown as "estimate"; default `estimate`, else the first metric starting with it. */
  estimateMetric?: string;
}

function isCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function formatNumber(value: number | undefined): string {
  if (value === undefined) return '-';
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toPrecision(4);
}

/**
 * A trainer hook that shows step/total, loss, estimate, images/s and ETA. On a TTY it is a
 * live bar; in CI or when piped it prints one plain line per log interval instead (a bar
 * redrawn with carriage returns makes unreadable logs).
 */
export class ProgressBarHook implements TrainerHooks {
  readonly interactive: boolean;
  private readonly stream: NodeJS.WriteStream;
  private readonly estimateMetric: string | undefined;
  private bar: cliProgress.SingleBar | null = null;
  private total = 0;
  private startStep = 0;
  private startTime = 0;

  constructor(options: ProgressBarOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.interactive = options.interactive ?? (Boolean(this.stream.isTTY) && !isCi());
    this.estimateMetric = options.estimateMetric;
  }

  onTrainStart(event: TrainStartEvent): void {
    this.total = event.totalSteps;
    this.startStep = event.step;
    this.startTime = Date.now();
    if (!this.interactive) return;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: '{bar} {value}/{total} | loss {loss} | estimate {estimate} | {ips} img/s | ETA {remaining}',
        hideCursor: true,
        clearOnComplete: false,
        // ETA comes from our own clock (steps since this run started), shown as {remaining}.
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(event.totalSteps, event.step, { loss: '-', estimate: '-', ips: '-', remaining: '?' });
  }

  onStepEnd(event: StepEndEvent): void {
    this.bar?.update(event.step + 1, { loss: formatNumber(event.loss), remaining: this.eta(event.step + 1) });
  }

  onLog(record: MetricsRecord): void {
    const estimate = formatNumber(this.pickEstimate(record));
    const ips = Number.isFinite(record.images_per_s) ? record.images_per_s.toFixed(record.images_per_s >= 100 ? 0 : 1) : '-';
    if (this.bar) {
      this.bar.update(record.step, { loss: formatNumber(record.loss), estimate, ips, remaining: this.eta(record.step) });
      return;
    }
    this.stream.write(
      `step ${record.step}/${this.total} | loss ${formatNumber(record.loss)} | estimate ${estimate} | ` +
        `${ips} img/s | ETA ${this.eta(record.step)}\n`,
    );
  }

  onTrainEnd(_event: TrainEndEvent): void {
    this.bar?.stop();
    this.bar = null;
  }

  private eta(step: number): string {
    const done = step - this.startStep;
    if (done <= 0) return '?';
    const perStep = (Date.now() - this.startTime) / 1000 / done;
    return formatDuration(perStep * (this.total - step));
  }

  private pickEstimate(record: MetricsRecord): number | undefined {
    if (this.estimateMetric) return record[this.estimateMetric];
    if ('estimate' in record) return record.estimate;
    const key = Object.keys(record).find((k) => k.startsWith('estimate'));
    return key === undefined ? undefined : record[key];
  }
}
