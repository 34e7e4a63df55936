import * as tf from '@tensorflow/tfjs';
import { Rng, type DataSource, type ViewGenerator } from '@infomax/core';
import { round } from './bench-result';

export interface ThroughputResult {
  config: string;
  backend: string;
  batch_size: number;
  batches: number;
  ms_per_batch: number;
  images_per_s: number;
}

/** Images/s of a view generator on a fixed batch (each image yields all its views). */
export async function augmentationThroughput(
  name: string,
  generator: ViewGenerator,
  exampleShape: number[],
  { batchSize = 64, batches = 20, warmup = 3 } = {},
): Promise<ThroughputResult> {
  const rng = new Rng(0);
  const batch = tf.tensor(rng.uniformArray(batchSize * exampleShape.reduce((a, b) => a * b, 1)), [batchSize, ...exampleShape]);
  const once = async () => {
    const views = generator.generate(batch, rng);
    await Promise.all(Object.values(views).map((v) => v.data()));
    tf.dispose(views as never);
  };
  try {
    for (let i = 0; i < warmup; i++) await once();
    const start = performance.now();
    for (let i = 0; i < batches; i++) await once();
    const ms = (performance.now() - start) / batches;
    return { config: name, backend: tf.getBackend(), batch_size: batchSize, batches, ms_per_batch: round(ms), images_per_s: round((batchSize * 1000) / ms, 1) };
  } finally {
    batch.dispose();
  }
}

/** Images/s of building shuffled batches from a data source (decode/gather + upload). */
export async function dataLoadingThroughput(
  name: string,
  source: DataSource,
  { batchSize = 64, batches = 50 } = {},
): Promise<ThroughputResult> {
  const order = new Rng(1).permutation(source.size);
  const start = performance.now();
  for (let i = 0; i < batches; i++) {
    const from = (i * batchSize) % Math.max(1, source.size - batchSize);
    const b = await source.batch(order.slice(from, from + batchSize));
    await b.x.data();
    tf.dispose([b.x, b.labels ?? []] as never);
  }
  const ms = (performance.now() - start) / batches;
  return { config: name, backend: tf.getBackend(), batch_size: batchSize, batches, ms_per_batch: round(ms), images_per_s: round((batchSize * 1000) / ms, 1) };
}
