import * as tf from '@tensorflow/tfjs';
import {
  toHostTensor,
  type DataSource,
  type HostTensor,
  type PreparedBatch,
  type PreparedBatchSource,
  type PreparedBatchStream,
  type StepRequest,
} from '@infomax/core';
import { BatchPreparationError } from './batch-preparation-error';
import { ViewWorkerPool, type ViewWorkerPoolOptions } from './view-worker-pool';
import { DEFAULT_PREFETCH, defaultViewWorkers } from './worker-count';

interface BatchSourceSettings {
  /** The training data: read on the calling thread, one batch at a time, in step order. */
  data: DataSource;
  /** Steps prepared ahead of the one being trained (default 2); 0 prepares each step when it is asked for. */
  prefetch?: number;
}

/**
 * A source with a pool of its own (closed by its close(); default workers: one per core beyond two,
 * at least one, at most `prefetch`), or on a pool it shares (left open).
 */
export type WorkerBatchSourceOptions = BatchSourceSettings & (ViewWorkerPoolOptions | { pool: ViewWorkerPool });

/**
 * A prepared-batch source that generates views on a pool of worker threads, `prefetch` steps
 * ahead of training. Each step's views come from its own `views/<step>` stream, so they do not
 * depend on the number of workers or on which worker ran them. Call close() when training ends.
 */
export class WorkerBatchSource implements PreparedBatchSource {
  readonly prefetch: number;
  readonly pool: ViewWorkerPool;
  private readonly data: DataSource;
  private readonly ownsPool: boolean;

  constructor(options: WorkerBatchSourceOptions) {
    this.prefetch = options.prefetch ?? DEFAULT_PREFETCH;
    if (!Number.isInteger(this.prefetch) || this.prefetch < 0) {
      throw new Error(`WorkerBatchSource: prefetch must be a whole number >= 0, got ${this.prefetch}`);
    }
    this.data = options.data;
    this.ownsPool = !('pool' in options);
    this.pool =
      'pool' in options
        ? options.pool
        : new ViewWorkerPool({ ...options, workers: options.workers ?? Math.max(1, defaultViewWorkers(undefined, this.prefetch)) });
  }

  get workers(): number {
    return this.pool.workers;
  }

  open(range: { from: number; until: number }, request: (step: number) => StepRequest): PreparedBatchStream {
    return new PrefetchingStream(this.data, this.pool, this.prefetch, range, request);
  }

  /** Stops the worker threads, unless the pool was given (shared). */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close();
  }
}

class PrefetchingStream implements PreparedBatchStream {
  private readonly inFlight: Promise<PreparedBatch>[] = [];
  /** Batches are read one after another, in step order, as the trainer would read them. */
  private loading: Promise<unknown> = Promise.resolve();
  private nextToStart: number;
  private nextToTake: number;
  private closed = false;

  constructor(
    private readonly data: DataSource,
    private readonly pool: ViewWorkerPool,
    private readonly prefetch: number,
    private readonly range: { from: number; until: number },
    private readonly request: (step: number) => StepRequest,
  ) {
    this.nextToStart = range.from;
    this.nextToTake = range.from;
    this.fill();
  }

  async next(): Promise<PreparedBatch> {
    if (this.closed) throw new Error('WorkerBatchSource: next() on a closed stream');
    if (this.nextToTake >= this.range.until) {
      throw new Error(`WorkerBatchSource: the stream covers steps ${this.range.from} to ${this.range.until - 1}, and all were taken`);
    }
    this.nextToTake++;
    this.fill();
    return this.inFlight.shift()!;
  }

  /**
   * Waits for the steps already on a worker (at most `prefetch`, each a fraction of a training
   * step) rather than aborting them: an aborted task costs its worker thread, which the pool
   * would then start again.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight, this.loading]);
    this.inFlight.length = 0;
  }

  /** Starts the steps up to `prefetch` past the last one taken (at first: the first `prefetch`). */
  private fill(): void {
    const horizon = Math.min(this.range.until, this.nextToTake + this.prefetch);
    while (!this.closed && this.nextToStart < horizon) {
      const prepared = this.prepare(this.request(this.nextToStart));
      // Work ahead may fail before it is taken; the error is reported when it is.
      prepared.catch(() => undefined);
      this.inFlight.push(prepared);
      this.nextToStart++;
    }
  }

  private async prepare(request: StepRequest): Promise<PreparedBatch> {
    const { step, indices } = request;
    const loaded = this.loading.then(() => this.load(request));
    this.loading = loaded.catch(() => undefined);
    const { x, labels } = await loaded;
    if (this.closed) throw new Error(`WorkerBatchSource: closed before the views of step ${step} were generated`);
    try {
      const views = await this.pool.generate(step, x, request.viewsRng);
      return { step, size: indices.length, ...(labels ? { labels } : {}), views };
    } catch (error) {
      throw new BatchPreparationError(step, 'views', error);
    }
  }

  private async load({ step, indices }: StepRequest): Promise<{ x: HostTensor; labels?: HostTensor }> {
    if (this.closed) throw new Error(`WorkerBatchSource: closed before the batch of step ${step} was loaded`);
    try {
      const batch = await this.data.batch(indices);
      try {
        const x = batch.x.dtype === 'float32' ? batch.x : tf.cast(batch.x, 'float32');
        try {
          return { x: await toHostTensor(x), ...(batch.labels ? { labels: await toHostTensor(batch.labels) } : {}) };
        } finally {
          if (x !== batch.x) x.dispose();
        }
      } finally {
        batch.x.dispose();
        batch.labels?.dispose();
      }
    } catch (error) {
      throw new BatchPreparationError(step, 'load', error);
    }
  }
}
