import { BENCH_CONFIGS, benchConfig } from '../bench/bench-configs';
import { formatKernelProfile, profileBench } from '../bench/kernel-profile';
import { runBench } from '../bench/run-bench';
import { augmentationThroughput, dataLoadingThroughput, workerAugmentationThroughput } from '../bench/throughput';
import { createSyntheticShapes } from '@infomax/data';
import { amdimCifarViews } from '@infomax/views';
import { say, warn, type CliIo } from '../cli-io';
import { usageError } from '../errors/cli-error';
import { ExitCode } from '../errors/exit-codes';
import { PLUGIN_MODULES } from '../plugin-modules';
import { startBackend } from '../run/start-backend';

export interface BenchCommandOptions {
  /** Timed steps per config (BENCHMARKS.md: at least 30). */
  steps?: number;
  warmup?: number;
  backend?: string;
  kernels?: string;
  /** Print the per-kernel time of one step (a table on stderr, JSON on stdout) instead of timing. */
  profile?: boolean;
}

/**
 * `infomax bench [names...]`: times the training step of each benchmark config of
 * shared/spec/BENCHMARKS.md (all by default) and prints one JSON line per config on stdout.
 * The harness and the configs live in src/bench/; this file only wires them to the command line.
 */
export async function benchCommand(names: readonly string[], options: BenchCommandOptions, io: CliIo): Promise<number> {
  const known = BENCH_CONFIGS.map((c) => c.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw usageError(`unknown benchmark ${unknown.map((n) => `'${n}'`).join(', ')}; benchmarks: ${known.join(', ')}`);
  }
  const choice = await startBackend(options.backend, io, options.kernels);
  const kernels = /kernels: (.*)$/.exec(choice.description)?.[1] ?? choice.backend;
  for (const name of names.length > 0 ? names : known) {
    if (options.profile) {
      const profile = await profileBench(benchConfig(name), PLUGIN_MODULES, kernels, options.warmup ?? 2);
      warn(io, formatKernelProfile(profile));
      say(io, JSON.stringify(profile));
      continue;
    }
    const steps = options.steps ?? 30;
    const warmupSteps = options.warmup ?? 3;
    warn(io, `infomax bench: ${name} on ${choice.description}: ${warmupSteps} warm-up + ${steps} timed steps`);
    const result = await runBench(benchConfig(name), { modules: PLUGIN_MODULES, steps, warmupSteps, kernels });
    say(io, JSON.stringify(result));
  }
  if (names.length === 0 && !options.profile) {
    // BENCHMARKS.md: augmentation should run at >= 10x the images/s training consumes.
    warn(io, 'infomax bench: augmentation (AMDIM CIFAR recipe, batch 64 of 32x32x3; in-process, then on view worker threads) and data loading');
    say(io, JSON.stringify(await augmentationThroughput('augment-amdim-cifar', amdimCifarViews(), [32, 32, 3])));
    say(io, JSON.stringify(await workerAugmentationThroughput('augment-amdim-cifar-workers', { name: 'two-view', options: { preset: 'amdim-cifar' } }, [32, 32, 3])));
    say(io, JSON.stringify(await dataLoadingThroughput('data-loading-synthetic-shapes', createSyntheticShapes({ count: 4096, imageSize: 32 }))));
  }
  return ExitCode.Ok;
}
