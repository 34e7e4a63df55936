import type { DataSource } from '@infomax/core';
import { defaultViewWorkers, viewGeneratorRegistry, WorkerBatchSource } from '@infomax/views/node';
import type { RunConfig } from '../config/run-config';
import { usageError } from '../errors/cli-error';

/** Worker threads for a run: the config's count, else $INFOMAX_VIEW_WORKERS, else one per core beyond two (at most `prefetch`). */
export function viewWorkerCount(config: RunConfig, env: Record<string, string | undefined>): number {
  if (config.viewWorkers.count !== undefined) return config.viewWorkers.count;
  const fromEnv = env.INFOMAX_VIEW_WORKERS;
  if (fromEnv === undefined || fromEnv === '') return defaultViewWorkers(undefined, config.viewWorkers.prefetch);
  const count = Number(fromEnv);
  if (!Number.isInteger(count) || count < 0 || count > 64) {
    throw usageError(`INFOMAX_VIEW_WORKERS must be a whole number from 0 to 64, got '${fromEnv}'`, 'unset it to use one view worker per core beyond two');
  }
  return count;
}

/**
 * The prepared-batch source of a run: its views generated on worker threads, prefetched. None
 * (views generated in the training step) for 0 workers, or for a view generator that is not
 * one of @infomax/views' own (a worker thread can only build those); `onNote` says why.
 */
export function startViewWorkers(
  config: RunConfig,
  data: DataSource,
  env: Record<string, string | undefined>,
  onNote: (message: string) => void,
): WorkerBatchSource | undefined {
  const count = viewWorkerCount(config, env);
  if (count === 0) return undefined;
  if (!viewGeneratorRegistry().has(config.viewGenerator.name)) {
    onNote(`view generator '${config.viewGenerator.name}' cannot run on worker threads; views are generated in the training step`);
    return undefined;
  }
  return new WorkerBatchSource({ data, generator: config.viewGenerator, workers: count, prefetch: config.viewWorkers.prefetch });
}
