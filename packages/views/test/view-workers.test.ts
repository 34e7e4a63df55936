import * as tf from '@tensorflow/tfjs';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryMetricsSink,
  Rng,
  Trainer,
  useBackend,
  type MetricsRecord,
  type PluginSelection,
  type StepRequest,
  type TrainerConfig,
} from '@infomax/core';
import {
  buildViewGenerator,
  defaultViewWorkers,
  ViewWorkerPool,
  viewWorkerScript,
  WorkerBatchSource,
} from '../src/node/index';
import { RandomImages, TinyTwoViewInfoNce } from './worker-fixtures';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const views = fileURLToPath(new URL('../', import.meta.url));
const amdimCifar: PluginSelection = { name: 'two-view', options: { preset: 'amdim-cifar' } };

/**
 * Whether native (oneDNN) kernels serve this thread's wasm matMuls (the test suite's second pass,
 * INFOMAX_TEST_KERNELS=onednn). The workers run the portable kernels, so the colour jitter's
 * matMuls round differently there: views then agree to float rounding, not bit for bit.
 */
function nativeKernelsHere(): boolean {
  const kernel = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc as unknown as Record<symbol, unknown> | undefined;
  return kernel?.[Symbol.for('@infomax/kernels-onednn/kernel')] !== undefined;
}

/** Exact equality on the portable kernels; within `tolerance` (relative to the largest value) with native ones. */
function expectSameNumbers(actual: unknown, expected: unknown, tolerance = 1e-4): void {
  if (!nativeKernelsHere()) {
    expect(actual).toEqual(expected);
    return;
  }
  const flat = (value: unknown): number[] =>
    typeof value === 'number'
      ? [value]
      : ArrayBuffer.isView(value)
        ? Array.from(value as Float32Array)
        : Array.isArray(value)
          ? value.flatMap(flat)
          : value && typeof value === 'object'
            ? Object.keys(value).sort().flatMap((k) => flat((value as Record<string, unknown>)[k]))
            : [];
  const [a, b] = [flat(actual), flat(expected)];
  expect(a.length).toBe(b.length);
  const scale = Math.max(1, ...b.map(Math.abs));
  const worst = Math.max(0, ...a.map((v, i) => Math.abs(v - b[i]!)));
  expect(worst / scale).toBeLessThanOrEqual(tolerance);
}

/** What the trainer asks for step `step` with batches of `batchSize` in a fixed order. */
function request(step: number, batchSize = 4): StepRequest {
  const indices = Int32Array.from({ length: batchSize }, (_, i) => (step * 5 + i * 3) % 24);
  return { step, indices, viewsRng: new Rng(77).fork(`views/${step}`).getState() };
}

/** The views generated on this thread, the reference for the workers. */
async function inProcessViews(data: RandomImages, wanted: StepRequest): Promise<Record<string, Float32Array>> {
  const batch = data.batch(wanted.indices);
  const generated = buildViewGenerator(amdimCifar).generate(batch.x, Rng.fromState(wanted.viewsRng));
  const out: Record<string, Float32Array> = {};
  for (const [name, view] of Object.entries(generated)) out[name] = (await view.data()) as Float32Array;
  tf.dispose([batch.x, batch.labels!, ...Object.values(generated)]);
  return out;
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, timeout: 90_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let pool: ViewWorkerPool;

beforeAll(async () => {
  await useBackend('wasm');
  pool = new ViewWorkerPool({ generator: amdimCifar, workers: 2 });
});

afterAll(async () => {
  await pool.close();
});

describe('view workers', () => {
  it('defaults to one worker per core beyond the two training keeps busy (at most one per step ahead), and the backend of the calling thread', () => {
    expect([defaultViewWorkers(1), defaultViewWorkers(2), defaultViewWorkers(8), defaultViewWorkers(8, 2), defaultViewWorkers(8, 0)]).toEqual([0, 0, 6, 2, 0]);
    expect(pool.backend).toBe('wasm');
    expect(viewWorkerScript().filename).toBe(fileURLToPath(new URL('../src/node/view-worker.ts', import.meta.url)));
  });

  it('prepares steps in order, prefetched, with views bit-identical to generating them in-process', async () => {
    const data = new RandomImages(24);
    const source = new WorkerBatchSource({ data, pool, prefetch: 3 });
    const asked: number[] = [];
    const stream = source.open({ from: 2, until: 8 }, (step) => {
      asked.push(step);
      return request(step);
    });
    // The first `prefetch` steps are under way before the trainer asks for any.
    expect(asked).toEqual([2, 3, 4]);
    for (let step = 2; step < 8; step++) {
      const prepared = await stream.next();
      expect(prepared.step).toBe(step);
      expect(prepared.size).toBe(4);
      expect(Array.from(prepared.labels!.values)).toEqual(Array.from(request(step).indices, (i) => i % 3));
      expect(Object.keys(prepared.views)).toEqual(['view1', 'view2']);
      const expected = await inProcessViews(data, request(step));
      for (const [name, view] of Object.entries(prepared.views)) {
        expect(view.shape).toEqual([4, 32, 32, 3]);
        expectSameNumbers(view.values, expected[name], 1e-5);
      }
    }
    expect(asked).toEqual([2, 3, 4, 5, 6, 7]);
    await expect(stream.next()).rejects.toThrow('WorkerBatchSource: the stream covers steps 2 to 7, and all were taken');
    await stream.close();
    await source.close(); // a shared pool stays open
    expect(await pool.generate(0, { dtype: 'float32', shape: [1, 32, 32, 3], values: new Float32Array(3072) }, new Rng(1).getState())).toHaveProperty('view1');
  });

  it('trains exactly as without workers: same losses, probe losses and weights (1 worker, 2 steps ahead)', async () => {
    const config: TrainerConfig = { batchSize: 6, steps: 6, logEvery: 1, optimizers: { main: { learningRate: 0.01 } } };
    const train = async (withWorkers: boolean) => {
      const objective = new TinyTwoViewInfoNce(new Rng(3));
      const sink = new MemoryMetricsSink();
      const data = new RandomImages(24);
      const source = withWorkers ? new WorkerBatchSource({ data, generator: amdimCifar, workers: 1, prefetch: 2 }) : undefined;
      const trainer = new Trainer({
        objective,
        data,
        views: buildViewGenerator(amdimCifar),
        rng: 5,
        config,
        metrics: [sink],
        ...(source ? { batches: source } : {}),
      });
      try {
        await trainer.run();
      } finally {
        trainer.dispose();
        await source?.close();
      }
      const weights = objective.trainableVariables.map((v) => Array.from(v.dataSync()));
      objective.dispose();
      return { records: sink.records.map(({ time: _t, images_per_s: _r, ...rest }: MetricsRecord) => rest), weights };
    };
    const inStep = await train(false);
    const inWorkers = await train(true);
    expectSameNumbers(inWorkers.records, inStep.records);
    expect(inWorkers.records.map((r) => typeof r['probe/loss'])).toEqual(Array(6).fill('number'));
    expectSameNumbers(inWorkers.weights, inStep.weights);
  });

  it("names the step when a worker fails, or when the step's batch cannot be loaded", async () => {
    const vectors = { name: 'vectors', size: 8, exampleShape: [6], batch: (i: Int32Array) => ({ x: tf.zeros([i.length, 6]) }) };
    const failing = new WorkerBatchSource({ data: vectors, pool, prefetch: 1 }).open({ from: 3, until: 5 }, (step) => request(step));
    await expect(failing.next()).rejects.toThrow(
      'step 3: generating the views in a worker thread failed: TwoViewGenerator batch must have rank 4 [B, H, W, C], got rank 2 [4, 6]. ' +
        'Check the view generator options and the data; with 0 view workers the views are generated in the training step, where the error shows its full stack',
    );
    await failing.close();

    const data = new RandomImages(24);
    const unreadable = { ...data, name: 'unreadable', size: 24, exampleShape: data.exampleShape, batch: (i: Int32Array) => (i[0] === 9 ? Promise.reject(new Error('disk on fire')) : data.batch(i)) };
    const stream = new WorkerBatchSource({ data: unreadable, pool }).open({ from: 0, until: 3 }, (step) => ({ ...request(step), indices: Int32Array.of(step * 9) }));
    expect((await stream.next()).step).toBe(0);
    await expect(stream.next()).rejects.toThrow('step 1: loading the batch to prepare its views failed: disk on fire');
    expect((await stream.next()).step).toBe(2);
    await stream.close();
  });

  it('refuses an unknown view generator on the calling thread, before starting any worker', () => {
    expect(() => new ViewWorkerPool({ generator: { name: 'two-views' }, workers: 1 })).toThrow(
      "Unknown viewGenerator plugin 'two-views'. Registered viewGenerator plugins: 'identity', 'patch-grid', 'temporal-window', 'two-view'.",
    );
    expect(() => new ViewWorkerPool({ generator: amdimCifar, workers: 0 })).toThrow(
      'ViewWorkerPool: workers must be a whole number >= 1, got 0; 0 workers means no pool',
    );
  });

  it('lets a tsx process exit after a worker error, even with the pool left open', async () => {
    const script = ['node_modules/tsx/dist/cli.mjs', '--tsconfig', 'tsconfig.json', 'packages/views/test/fixtures/worker-error-exit.ts'];
    const result = await run(process.execPath, [...script, 'leave-open'], root);
    expect(result.stdout).toMatch(/^step 0: generating the views in a worker thread failed: TwoViewGenerator batch must have rank 4/);
    expect(result.code).toBe(0);
  }, 120_000);

  it.skipIf(!existsSync(`${views}dist/node/view-worker.js`))(
    'starts its workers from the built package, as ESM and as CJS, with plain Node',
    async () => {
      const [esm, cjs] = await Promise.all([
        run(process.execPath, ['test/fixtures/dist-roundtrip.mjs'], views),
        run(process.execPath, ['test/fixtures/dist-roundtrip.cjs'], views),
      ]);
      expect([esm.stdout, esm.code]).toEqual(['identical view1,view2 from view-worker.js\n', 0]);
      expect([cjs.stdout, cjs.code]).toEqual(['identical view1,view2 from view-worker.cjs\n', 0]);
    },
    90_000,
  );
});
