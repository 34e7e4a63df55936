import { availableParallelism } from 'node:os';

/**
 * One view worker per core beyond the two that training keeps busy (its JS thread and the native
 * kernels' second thread), and no more than the steps prepared ahead (`prefetch`): a source never
 * has more tasks in flight than that. On a 2-core machine that is none: measured there, a worker
 * gained nothing (augmentation is ~40 ms of a 500-700 ms step, and the step already uses both
 * cores) while competing with training for them.
 */
export function defaultViewWorkers(cores = availableParallelism(), prefetch = Number.POSITIVE_INFINITY): number {
  return Math.max(0, Math.min(cores - 2, prefetch));
}

/** Steps prepared ahead of the step being trained, unless configured. */
export const DEFAULT_PREFETCH = 2;
