import * as tf from '@tensorflow/tfjs';
import { Rng, type DataSource, type Objective, type ViewGenerator } from '@infomax/core';

/**
 * The objective's loss on one fixed batch with fixed views: the same images and the same
 * augmentations every time it is called, so before and after training differ only by the
 * weights. (A training step's loss also changes with its batch and its random views, which on
 * a short run is noise of the same size as the progress.) Runs in training mode, as the trainer
 * does, and restores the batch-norm moving statistics afterwards, so measuring changes nothing.
 */
export async function fixedBatchLoss(
  objective: Objective,
  views: ViewGenerator,
  data: DataSource,
  { count, seed }: { count: number; seed: number },
): Promise<number> {
  const indices = Int32Array.from({ length: Math.min(count, data.size) }, (_, i) => i);
  const { x, labels } = await data.batch(indices);
  const statistics = objective.nonTrainableVariables.map((v) => [v, tf.clone(v)] as const);
  try {
    const loss = tf.tidy(() => {
      const generated = views.generate(x, new Rng(seed).fork('views'));
      return objective.compute(generated, { training: true, rng: new Rng(seed).fork('objective') }).loss;
    });
    const value = (await loss.data())[0]!;
    loss.dispose();
    return value;
  } finally {
    for (const [variable, saved] of statistics) {
      variable.assign(saved);
      saved.dispose();
    }
    tf.dispose([x, labels]);
  }
}
