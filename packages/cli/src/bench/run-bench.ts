import * as tf from '@tensorflow/tfjs';
import type { ContainerModule } from 'inversify';
import type { BenchConfig } from './bench-configs';
import { median, round, type BenchResult } from './bench-result';
import { buildBenchHarness } from './bench-step';

export interface RunBenchOptions {
  modules: readonly ContainerModule[];
  steps?: number;
  warmupSteps?: number;
  kernels: string;
  /** Called after every timed step (progress display). */
  onStep?: (done: number, total: number, ms: number) => void;
}

/** Times one benchmark config: warm-up steps, then `steps` timed steps; tensors must stay flat. */
export async function runBench(config: BenchConfig, options: RunBenchOptions): Promise<BenchResult> {
  const steps = options.steps ?? 30;
  const warmupSteps = options.warmupSteps ?? 3;
  const harness = buildBenchHarness(config, options.modules);
  try {
    for (let i = 0; i < warmupSteps; i++) await harness.step(i);
    const tensorsBefore = tf.memory().numTensors;
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const start = performance.now();
      await harness.step(warmupSteps + i);
      const ms = performance.now() - start;
      times.push(ms);
      options.onStep?.(i + 1, steps, ms);
    }
    const stepMedian = median(times);
    return {
      config: config.name,
      backend: tf.getBackend(),
      kernels: options.kernels,
      step_ms_median: round(stepMedian),
      step_ms_min: round(Math.min(...times)),
      step_ms_max: round(Math.max(...times)),
      images_per_s: round((config.examplesPerStep * 1000) / stepMedian, 1),
      peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
      tensor_delta: tf.memory().numTensors - tensorsBefore,
      steps,
      warmup_steps: warmupSteps,
      parameters: harness.parameters,
      date: new Date().toISOString(),
    };
  } finally {
    harness.dispose();
  }
}
