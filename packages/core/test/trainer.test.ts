import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidTrainerConfigError,
  MemoryCheckpointStore,
  MemoryMetricsSink,
  NonFiniteLossError,
  Rng,
  Trainer,
  useBackend,
  type TrainerConfig,
  type TrainerHooks,
} from '@infomax/core';
import { FileCheckpointStore, JsonlMetricsFile } from '@infomax/core/node';
import { maxAbsDifference, NoisyTwoViews, SyntheticVectors, TinyInfoNce, variableValues } from './trainer-fixtures';

const quiet = { warn: () => undefined };

const baseConfig: TrainerConfig = {
  batchSize: 8,
  steps: 12,
  logEvery: 3,
  clipNorm: 1,
  optimizers: { main: { learningRate: 0.05, warmupSteps: 3, decays: [{ atFraction: 0.5, factor: 0.2 }] } },
};

function makeTrainer(
  objective: TinyInfoNce,
  options: { seed?: number; config?: Partial<TrainerConfig>; store?: MemoryCheckpointStore | FileCheckpointStore; hooks?: TrainerHooks[]; sink?: MemoryMetricsSink } = {},
): Trainer {
  return new Trainer({
    objective,
    data: new SyntheticVectors(24),
    views: new NoisyTwoViews(0.1),
    rng: options.seed ?? 7,
    config: { ...baseConfig, ...options.config } as TrainerConfig,
    checkpoints: options.store,
    hooks: options.hooks,
    metrics: options.sink ? [options.sink] : [],
    logger: quiet,
  });
}

let scratch: string;

beforeAll(async () => {
  await useBackend('cpu');
  scratch = await mkdtemp(path.join(tmpdir(), 'infomax-trainer-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('Trainer', () => {
  it('resumes exactly: N steps + checkpoint + fresh trainer and objective + N steps = 2N steps', async () => {
    const straight = new TinyInfoNce(new Rng(1), { probe: true });
    const straightTrainer = makeTrainer(straight);
    await straightTrainer.run();
    expect(straightTrainer.step).toBe(12);

    const store = new FileCheckpointStore(path.join(scratch, 'resume'), { logger: quiet });
    const first = new TinyInfoNce(new Rng(1), { probe: true });
    const firstTrainer = makeTrainer(first, { store });
    const paused = await firstTrainer.run({ untilStep: 6 });
    expect(paused).toEqual({ step: 6, reason: 'paused' });
    expect((await store.list()).map((c) => c.name)).toEqual(['step-000006']);

    // Different initial weights and seed: everything must come from the checkpoint.
    const second = new TinyInfoNce(new Rng(99), { probe: true });
    const secondTrainer = makeTrainer(second, { store, seed: 12345 });
    expect(await secondTrainer.resume()).toBe(true);
    expect(secondTrainer.step).toBe(6);
    expect(await secondTrainer.run()).toEqual({ step: 12, reason: 'completed' });

    const expected = await variableValues(straight);
    const actual = await variableValues(second);
    // Includes the batch-norm moving statistics and the probe (auxiliary group).
    expect([...actual.keys()].sort()).toEqual([
      'encoder/bias',
      'encoder/kernel',
      'norm/beta',
      'norm/gamma',
      'norm/moving_mean',
      'norm/moving_variance',
      'probe/bias',
      'probe/kernel',
    ]);
    expect(maxAbsDifference(expected, actual)).toBeLessThanOrEqual(1e-6);
    // And training did move the weights (the comparison is not vacuous).
    const initial = await variableValues(new TinyInfoNce(new Rng(1), { probe: true }));
    expect(maxAbsDifference(initial, actual)).toBeGreaterThan(1e-2);
    for (const t of [straightTrainer, firstTrainer, secondTrainer]) t.dispose();
    for (const o of [straight, first, second]) o.dispose();
  });

  it('keeps tf.memory().numTensors flat over 50 steps (logging and checkpointing included)', async () => {
    const objective = new TinyInfoNce(new Rng(2), { probe: true });
    const counts: number[] = [];
    const trainer = makeTrainer(objective, {
      config: { steps: 50, logEvery: 5, checkpointEvery: 10 },
      store: new MemoryCheckpointStore(),
      sink: new MemoryMetricsSink(),
      hooks: [{ onStepEnd: () => void counts.push(tf.memory().numTensors) }],
    });
    const before = tf.memory().numTensors;
    await trainer.run();
    expect(counts).toHaveLength(50);
    expect(new Set(counts)).toEqual(new Set([counts[0]]));
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
    objective.dispose();
  });

  it('stops on a NaN loss naming the step, and leaves the last checkpoint intact', async () => {
    const dir = path.join(scratch, 'nan');
    const store = new FileCheckpointStore(dir, { logger: quiet });
    const objective = new TinyInfoNce(new Rng(3));
    const trainer = makeTrainer(objective, {
      config: { steps: 12, checkpointEvery: 4 },
      store,
      hooks: [{ onStepStart: ({ step }) => void (objective.poison = step === 6) }],
    });
    const error = await trainer.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).step).toBe(6);
    expect((error as Error).message).toMatch(/Training stopped at step 7: loss is NaN/);
    expect((error as Error).message).toMatch(/last good checkpoint \(step-000004\) is intact/);
    expect((error as Error).message).toMatch(/lower learning rate.*clipping/);
    expect((await store.list()).map((c) => c.name)).toEqual(['step-000004']);

    // The checkpoint is readable and holds finite weights from step 4.
    const restored = new TinyInfoNce(new Rng(4));
    const again = makeTrainer(restored, { store });
    expect(await again.resume()).toBe(true);
    expect(again.step).toBe(4);
    for (const v of restored.namedVariables().values()) expect(Array.from(await v.data()).every(Number.isFinite)).toBe(true);
    // The bad step's update and its batch-norm statistics were not applied.
    for (const v of objective.namedVariables().values()) expect(Array.from(await v.data()).every(Number.isFinite)).toBe(true);
    trainer.dispose();
    again.dispose();
  });

  it("with nanPolicy 'skip' drops the bad step's update, logs it and continues", async () => {
    const warnings: string[] = [];
    const objective = new TinyInfoNce(new Rng(5));
    const sink = new MemoryMetricsSink();
    let atBadStep: Map<string, Float32Array> | null = null;
    const trainer = new Trainer({
      objective,
      data: new SyntheticVectors(24),
      views: new NoisyTwoViews(),
      rng: 7,
      config: { ...baseConfig, steps: 6, logEvery: 6, nanPolicy: 'skip' },
      metrics: [sink],
      logger: { warn: (m) => void warnings.push(m) },
      hooks: [
        {
          onStepStart: async ({ step }) => {
            objective.poison = step === 2;
            if (step === 2) atBadStep = await variableValues(objective);
          },
          onStepEnd: async ({ step, skipped }) => {
            expect(skipped).toBe(step === 2);
            if (step === 2) expect(maxAbsDifference(atBadStep!, await variableValues(objective))).toBe(0);
          },
        },
      ],
    });
    const end = await trainer.run();
    expect(end.step).toBe(6);
    expect(warnings).toEqual([expect.stringMatching(/step 3: loss is NaN; skipping this update/)]);
    expect(sink.records.at(-1)?.skipped_steps).toBe(1);
    trainer.dispose();
    objective.dispose();
  });

  it("trains the auxiliary group's variables, and its step leaves the main ones unchanged", async () => {
    const objective = new TinyInfoNce(new Rng(6), { probe: true });
    const sink = new MemoryMetricsSink();
    // Main learning rate 0: whatever moves the encoder would have to come from the probe's step.
    const trainer = makeTrainer(objective, {
      config: { steps: 4, logEvery: 2, optimizers: { main: { learningRate: 1e-30 }, probe: { learningRate: 0.1 } } },
      sink,
    });
    const before = await variableValues(objective);
    await trainer.run();
    const after = await variableValues(objective);
    for (const p of ['encoder/kernel', 'encoder/bias', 'norm/gamma', 'norm/beta']) {
      expect(maxAbsDifference(new Map([[p, before.get(p)!]]), new Map([[p, after.get(p)!]]))).toBeLessThan(1e-12);
    }
    for (const p of ['probe/kernel', 'probe/bias']) {
      expect(maxAbsDifference(new Map([[p, before.get(p)!]]), new Map([[p, after.get(p)!]]))).toBeGreaterThan(1e-3);
    }
    expect(trainer.groupNames).toEqual(['main', 'probe']);
    const last = sink.records.at(-1)!;
    expect(Object.keys(last)).toEqual(expect.arrayContaining(['probe/loss', 'probe/accuracy', 'probe/lr', 'probe/grad_norm']));
    expect(last['probe/lr']).toBe(0.1);
    trainer.dispose();
    objective.dispose();
  });

  it('logs records with step, epoch, lr, loss, estimate, images/s and time, and calls hooks in order', async () => {
    const objective = new TinyInfoNce(new Rng(8));
    const sink = new MemoryMetricsSink();
    const events: string[] = [];
    const jsonl = new JsonlMetricsFile(path.join(scratch, 'metrics', 'metrics.jsonl'));
    const trainer = new Trainer({
      objective,
      data: new SyntheticVectors(24),
      views: new NoisyTwoViews(),
      rng: 1,
      config: { ...baseConfig, steps: 6, logEvery: 3 },
      metrics: [sink, jsonl],
      checkpoints: new MemoryCheckpointStore(),
      logger: quiet,
      hooks: [
        {
          onTrainStart: (e) => void events.push(`train-start ${e.step}/${e.totalSteps}`),
          onEpochStart: (e) => void events.push(`epoch-start ${e.epoch}`),
          onEpochEnd: (e) => void events.push(`epoch-end ${e.epoch}`),
          onStepStart: (e) => void events.push(`step ${e.step}`),
          onLog: (r) => void events.push(`log ${r.step}`),
          onCheckpoint: (c) => void events.push(`checkpoint ${c.name}`),
          onTrainEnd: (e) => void events.push(`train-end ${e.reason}`),
        },
      ],
    });
    await trainer.run();
    expect(events).toEqual([
      'train-start 0/6',
      'epoch-start 0',
      'step 0',
      'step 1',
      'step 2',
      'log 3',
      'epoch-end 0',
      'epoch-start 1',
      'step 3',
      'step 4',
      'step 5',
      'log 6',
      'epoch-end 1',
      'checkpoint step-000006',
      'train-end completed',
    ]);
    expect(sink.records.map((r) => [r.step, r.epoch])).toEqual([[3, 0], [6, 1]]);
    const record = sink.records[0]!;
    // lr of update 2 (0-based) in a 3-step warm-up is the base rate.
    expect(record.lr).toBeCloseTo(0.05, 12);
    expect(sink.records[1]!.lr).toBeCloseTo(0.01, 12);
    expect(Number.isFinite(record.loss) && Number.isFinite(record.estimate!)).toBe(true);
    expect(record.estimate).toBeCloseTo(Math.log(8) - record.loss, 4);
    expect(record.images_per_s).toBeGreaterThan(0);
    expect(record.time).toBeGreaterThan(0);
    expect(record.grad_norm).toBeGreaterThan(0);
    expect((await jsonl.read()).map((r) => r.step)).toEqual([3, 6]);
    await jsonl.truncateAfter(3);
    expect((await jsonl.read()).map((r) => r.step)).toEqual([3]);
    trainer.dispose();
    objective.dispose();
  });

  it('requestStop ends the run after the current step and writes a checkpoint', async () => {
    const objective = new TinyInfoNce(new Rng(11));
    const store = new MemoryCheckpointStore();
    const trainer: Trainer = makeTrainer(objective, {
      store,
      hooks: [{ onStepEnd: ({ step }) => void (step === 2 && trainer.requestStop()) }],
    });
    expect(await trainer.run()).toEqual({ step: 3, reason: 'stopped' });
    expect((await store.list()).map((c) => c.name)).toEqual(['step-000003']);
    expect(await trainer.run()).toEqual({ step: 12, reason: 'completed' });
    trainer.dispose();
    objective.dispose();
  });

  it('shuffles with a seeded permutation per epoch: every example once per epoch', () => {
    const objective = new TinyInfoNce(new Rng(9));
    const a = makeTrainer(objective, { seed: 5 });
    const b = makeTrainer(objective, { seed: 5 });
    const epoch0 = [0, 1, 2].flatMap((p) => Array.from(a.batchIndices(0, p)));
    expect([...epoch0].sort((x, y) => x - y)).toEqual([...Array(24).keys()]);
    expect(Array.from(b.batchIndices(1, 2))).toEqual(Array.from(a.batchIndices(1, 2)));
    expect(Array.from(a.batchIndices(1, 0))).not.toEqual(Array.from(a.batchIndices(0, 0)));
    a.dispose();
    b.dispose();
    objective.dispose();
  });

  it('rejects bad configs with readable messages', () => {
    const objective = new TinyInfoNce(new Rng(10), { probe: true });
    expect(() => makeTrainer(objective, { config: { steps: 5, epochs: 2 } })).toThrow(InvalidTrainerConfigError);
    expect(() => makeTrainer(objective, { config: { steps: 5, epochs: 2 } })).toThrow(/steps: give exactly one of steps or epochs/);
    expect(() => makeTrainer(objective, { config: { optimizers: { porbe: {} } } })).toThrow(
      /unknown group\(s\) 'porbe'; groups of objective 'tiny-infonce': 'main', 'probe'/,
    );
    expect(() => makeTrainer(objective, { config: { batchSize: 64 } })).toThrow(/24 examples, fewer than one batch of 64/);
    const byEpochs = makeTrainer(objective, { config: { steps: undefined, epochs: 2 } });
    expect(byEpochs.totalSteps).toBe(6);
    byEpochs.dispose();
    objective.dispose();
  });
});
