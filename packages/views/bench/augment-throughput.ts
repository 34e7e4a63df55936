/**
 * Augmentation throughput of AMDIM's CIFAR views on the wasm backend.
 * Run: pnpm exec tsx packages/views/bench/augment-throughput.ts [--backend wasm] [--batches 30]
 * Prints one JSON line; `images_per_s` counts input images (each yields two views).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng, useBackend } from '@infomax/core';
import { amdimCifarViews } from '../src/index';

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}

async function main(): Promise<void> {
  const backend = flag('backend', 'wasm');
  const batches = Number(flag('batches', '30'));
  const batchSize = 64;
  await useBackend(backend);

  const rng = new Rng(0);
  const batch = tf.tensor4d(rng.uniformArray(batchSize * 32 * 32 * 3), [batchSize, 32, 32, 3]);
  const generator = amdimCifarViews();
  const step = async () => {
    const views = generator.generate(batch, rng);
    await views.view2!.data(); // wait for the backend to finish, as a training step would
    tf.dispose(views);
  };

  for (let i = 0; i < 3; i++) await step();
  const start = performance.now();
  for (let i = 0; i < batches; i++) await step();
  const seconds = (performance.now() - start) / 1000;

  console.log(
    JSON.stringify({
      benchmark: 'augment-throughput',
      generator: 'amdimCifarViews',
      backend: tf.getBackend(),
      batch_size: batchSize,
      image_shape: [32, 32, 3],
      batches,
      ms_per_batch: Number(((seconds * 1000) / batches).toFixed(2)),
      images_per_s: Math.round((batches * batchSize) / seconds),
    }),
  );
  batch.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
