import * as tf from '@tensorflow/tfjs';

/**
 * Runs `step` `repeats` times after `warmup` untimed runs and throws if the number of live
 * tensors grew: the leak check every per-step function in infomax is tested with.
 */
export async function expectNoLeakedTensors(
  step: () => unknown | Promise<unknown>,
  { repeats = 5, warmup = 1, label = 'step' }: { repeats?: number; warmup?: number; label?: string } = {},
): Promise<void> {
  for (let i = 0; i < warmup; i++) await step();
  const before = tf.memory().numTensors;
  for (let i = 0; i < repeats; i++) await step();
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(
      `${label} leaked tensors: ${before} live before ${repeats} repeats, ${after} after ` +
        `(${((after - before) / repeats).toFixed(2)} per call). Wrap per-step work in tf.tidy ` +
        `or dispose what it returns.`,
    );
  }
}
