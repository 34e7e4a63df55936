import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryCheckpointStore,
  MemoryMetricsSink,
  Rng,
  toHostTensor,
  Trainer,
  useBackend,
  type DataSource,
  type MetricsRecord,
  type PreparedBatch,
  type PreparedBatchSource,
  type PreparedBatchStream,
  type StepRequest,
  type TrainerConfig,
  type TrainerHooks,
  type ViewGenerator,
} from '@infomax/core';
import { NoisyTwoViews, SyntheticVectors, TinyInfoNce, variableValues } from './trainer-fixtures';

/**
 * The contract's simplest source: prepares each step on this thread when asked, from the
 * request alone (what a worker pool does elsewhere). Records what the trainer asked of it.
 */
class InProcessBatches implements PreparedBatchSource {
  readonly ranges: { from: number; until: number }[] = [];
  readonly requested: number[] = [];
  closed = 0;
  /** Hands out the step after the one due, to test the trainer's order check. */
  skipAhead = false;

  constructor(
    private readonly data: DataSource,
    private readonly views: ViewGenerator,
  ) {}

  open(range: { from: number; until: number }, request: (step: number) => StepRequest): PreparedBatchStream {
    this.ranges.push(range);
    let step = range.from;
    return {
      next: async () => {
        if (this.skipAhead) step++;
        const wanted = request(step++);
        this.requested.push(wanted.step);
        return this.prepare(wanted);
      },
      close: async () => {
        this.closed++;
      },
    };
  }

  private async prepare({ step, indices, viewsRng }: StepRequest): Promise<PreparedBatch> {
    const batch = await this.data.batch(indices);
    const views = this.views.generate(batch.x, Rng.fromState(viewsRng));
    const prepared: PreparedBatch = { step, size: indices.length, views: {} };
    for (const [name, view] of Object.entries(views)) prepared.views[name] = await toHostTensor(view);
    if (batch.labels) prepared.labels = await toHostTensor(batch.labels);
    tf.dispose([batch.x, batch.labels ?? [], ...Object.values(views)] as tf.Tensor[]);
    return prepared;
  }
}

const quiet = { warn: () => undefined };

const config: TrainerConfig = {
  batchSize: 8,
  steps: 9,
  logEvery: 1,
  optimizers: { main: { learningRate: 0.05 } },
};

function trainer(
  objective: TinyInfoNce,
  options: { batches?: PreparedBatchSource; sink?: MemoryMetricsSink; store?: MemoryCheckpointStore; hooks?: TrainerHooks[] } = {},
): Trainer {
  return new Trainer({
    objective,
    data: new SyntheticVectors(20),
    views: new NoisyTwoViews(0.1),
    rng: 11,
    config,
    logger: quiet,
    ...(options.batches ? { batches: options.batches } : {}),
    ...(options.sink ? { metrics: [options.sink] } : {}),
    ...(options.store ? { checkpoints: options.store } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
  });
}

/** A record without its timing fields, which differ between any two runs. */
function untimed(record: MetricsRecord): Record<string, number> {
  const { images_per_s: _rate, time: _time, ...rest } = record;
  return rest;
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('Trainer with a prepared-batch source', () => {
  it('trains exactly as when it generates the views itself: same losses, probe metrics and weights', async () => {
    const plainSink = new MemoryMetricsSink();
    const plain = new TinyInfoNce(new Rng(1), { probe: true });
    await trainer(plain, { sink: plainSink }).run();

    const preparedSink = new MemoryMetricsSink();
    const prepared = new TinyInfoNce(new Rng(1), { probe: true });
    const source = new InProcessBatches(new SyntheticVectors(20), new NoisyTwoViews(0.1));
    const tensorsBefore = tf.memory().numTensors;
    const run = trainer(prepared, { batches: source, sink: preparedSink });
    await run.run();
    run.dispose();

    expect(preparedSink.records.map(untimed)).toEqual(plainSink.records.map(untimed));
    expect(preparedSink.records.map((r) => r['probe/loss'])).toHaveLength(9);
    expect(await variableValues(prepared)).toEqual(await variableValues(plain));
    expect(source.ranges).toEqual([{ from: 0, until: 9 }]);
    expect(source.requested).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(source.closed).toBe(1);
    // The optimizer states were disposed; what the steps uploaded was freed with each step.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('resumes exactly, asking the source for the remaining steps only', async () => {
    const straight = new TinyInfoNce(new Rng(1), { probe: true });
    await trainer(straight).run();

    const store = new MemoryCheckpointStore();
    const first = new TinyInfoNce(new Rng(1), { probe: true });
    const firstSource = new InProcessBatches(new SyntheticVectors(20), new NoisyTwoViews(0.1));
    expect(await trainer(first, { batches: firstSource, store }).run({ untilStep: 4 })).toEqual({ step: 4, reason: 'paused' });

    const second = new TinyInfoNce(new Rng(5), { probe: true });
    const secondSource = new InProcessBatches(new SyntheticVectors(20), new NoisyTwoViews(0.1));
    const resumed = trainer(second, { batches: secondSource, store });
    expect(await resumed.resume()).toBe(true);
    expect(await resumed.run()).toEqual({ step: 9, reason: 'completed' });

    expect(firstSource.ranges).toEqual([{ from: 0, until: 4 }]);
    expect(secondSource.ranges).toEqual([{ from: 4, until: 9 }]);
    expect(await variableValues(second)).toEqual(await variableValues(straight));
  });

  it('closes the stream when a step fails, and rejects a source that hands out steps out of order', async () => {
    const source = new InProcessBatches(new SyntheticVectors(20), new NoisyTwoViews(0.1));
    source.skipAhead = true;
    await expect(trainer(new TinyInfoNce(new Rng(1)), { batches: source }).run()).rejects.toThrow(
      'Trainer: the prepared-batch source handed out step 1 when step 0 was due; ' +
        'a source must give the steps of its range in order, one per next()',
    );
    expect(source.closed).toBe(1);
  });

  it('closes the stream when a stop is requested', async () => {
    const source = new InProcessBatches(new SyntheticVectors(20), new NoisyTwoViews(0.1));
    const stopper: TrainerHooks = { onStepEnd: ({ step }) => (step === 2 ? run.requestStop() : undefined) };
    const run = trainer(new TinyInfoNce(new Rng(1)), { batches: source, hooks: [stopper] });
    expect(await run.run()).toEqual({ step: 3, reason: 'stopped' });
    expect(source.requested).toEqual([0, 1, 2]);
    expect(source.closed).toBe(1);
  });
});
