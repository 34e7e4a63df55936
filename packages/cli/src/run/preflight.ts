import * as tf from '@tensorflow/tfjs';
import { Rng, type DataSource, type Objective, type ViewGenerator } from '@infomax/core';
import type { RunConfig } from '../config/run-config';
import { usageError } from '../errors/cli-error';

/**
 * The trainer's own rule (a full batch per epoch unless dropLastBatch is off), checked before
 * anything is written and phrased with the flag to change.
 */
export function assertBatchFitsData(trainer: RunConfig['trainer'], source: DataSource): void {
  if (!trainer.dropLastBatch || trainer.batchSize <= source.size) return;
  throw usageError(
    `trainer.batchSize ${trainer.batchSize} is larger than the data set: ${source.name} holds ${source.size} examples`,
    `lower --batch-size to at most ${source.size}, or use more data (data.count, data.limit)`,
  );
}

/**
 * One forward pass (not training: no statistics move, nothing is learned) on the first
 * examples, through the views and the objective, before the run folder is written: an image
 * of the wrong size or channel count for the encoder fails here with the encoder's message,
 * instead of after config.json and environment.json have been created.
 */
export async function preflightForward(
  objective: Objective,
  views: ViewGenerator,
  source: DataSource,
  batchSize: number,
  seed: number,
): Promise<void> {
  const count = Math.max(1, Math.min(2, batchSize, source.size));
  const batch = await source.batch(Int32Array.from({ length: count }, (_, i) => i));
  try {
    const rng = new Rng(seed).fork('preflight');
    tf.tidy(() => {
      const generated = views.generate(batch.x, rng.fork('views'));
      objective.compute(generated, { training: false, ...(batch.labels ? { labels: batch.labels } : {}), rng: rng.fork('objective') });
    });
  } finally {
    batch.x.dispose();
    batch.labels?.dispose();
  }
}
