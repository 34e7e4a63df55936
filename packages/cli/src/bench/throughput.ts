import * as tf from '@tensorflow/tfjs';
import { Rng, type Batch, type DataSource, type PluginSelection, type ViewGenerator } from '@infomax/core';
import { WorkerBatchSource } from '@infomax/views/node';
import { round } from './bench-result';

export interface ThroughputResult {
  config: string;
  backend: string;
  batch_size: number;
  batches: number;
  ms_per_batch: number;
  images_per_s: number;
  /** View worker threads (the worker-pool figure only). */
  workers?: number;
  /** Steps prepared ahead (the worker-pool figure only). */
  prefetch?: number;
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

/** Random images (seeded) as a data source: what the worker-pool figure reads its batches from. */
class RandomImageSource implements DataSource {
  readonly name = 'random-images';
  readonly exampleShape: number[];
  private readonly pixels: Float32Array;
  private readonly perImage: number;

  constructor(
    readonly size: number,
    exampleShape: number[],
  ) {
    this.exampleShape = exampleShape;
    this.perImage = exampleShape.reduce((a, b) => a * b, 1);
    this.pixels = new Rng(2).uniformArray(size * this.perImage);
  }

  batch(indices: Int32Array): Batch {
    const x = new Float32Array(indices.length * this.perImage);
    indices.forEach((index, row) => x.set(this.pixels.subarray(index * this.perImage, (index + 1) * this.perImage), row * this.perImage));
    return { x: tf.tensor(x, [indices.length, ...this.exampleShape]) };
  }
}

/**
 * Images/s of views generated on a pool of worker threads and prefetched, as training takes
 * them: shuffled batches read on this thread, views made on the workers, handed out in order.
 */
export async function workerAugmentationThroughput(
  name: string,
  generator: PluginSelection,
  exampleShape: number[],
  { batchSize = 64, batches = 20, warmup = 3, workers, prefetch }: { batchSize?: number; batches?: number; warmup?: number; workers?: number; prefetch?: number } = {},
): Promise<ThroughputResult> {
  const data = new RandomImageSource(batchSize * 4, exampleShape);
  const source = new WorkerBatchSource({ data, generator, ...(workers !== undefined ? { workers } : {}), ...(prefetch !== undefined ? { prefetch } : {}) });
  const root = new Rng(3);
  const order = root.permutation(data.size);
  const stream = source.open({ from: 0, until: warmup + batches }, (step) => {
    const from = (step * batchSize) % (data.size - batchSize + 1);
    return { step, indices: order.slice(from, from + batchSize), viewsRng: root.fork(`views/${step}`).getState() };
  });
  try {
    for (let i = 0; i < warmup; i++) await stream.next();
    const start = performance.now();
    for (let i = 0; i < batches; i++) await stream.next();
    const ms = (performance.now() - start) / batches;
    return {
      config: name,
      backend: source.pool.backend,
      workers: source.workers,
      prefetch: source.prefetch,
      batch_size: batchSize,
      batches,
      ms_per_batch: round(ms),
      images_per_s: round((batchSize * 1000) / ms, 1),
    };
  } finally {
    await stream.close();
    await source.close();
  }
}
