import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdx, FASHION_MNIST_CLASS_NAMES } from '@infomax/data';
import {
  DatasetNotFoundError,
  datasetSearchLocations,
  loadDataset,
  loadFashionMnist,
  loadMnist,
  locateFashionMnist,
} from '@infomax/data/node';
import { tempDir } from './helpers/fixtures';

/** A tiny MNIST-style split: `count` 28x28 images whose pixels all equal the example index. */
function writeIdxSplit(dir: string, prefix: 'train' | 't10k', count: number, gzip: boolean) {
  mkdirSync(dir, { recursive: true });
  const images = Uint8Array.from({ length: count * 784 }, (_, i) => Math.floor(i / 784));
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  const write = (name: string, bytes: Uint8Array) =>
    writeFileSync(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  write(`${prefix}-images-idx3-ubyte`, encodeIdx(images, [count, 28, 28]));
  write(`${prefix}-labels-idx1-ubyte`, encodeIdx(labels, [count]));
}

describe('finding data sets', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const empty = join(tmp.dir, 'nowhere');

  it('searches the explicit dir, $INFOMAX_DATA, ./data, then the system folder', () => {
    const locations = datasetSearchLocations('fashion-mnist', {
      dir: '/x/given',
      env: { INFOMAX_DATA: '/x/env' },
      cwd: '/x/project',
      systemDir: '/x/system',
    });
    expect(locations.map((l) => l.dir)).toEqual([
      '/x/given',
      '/x/given/fashion-mnist',
      '/x/env/fashion-mnist',
      '/x/project/data/fashion-mnist',
      '/x/system/fashion-mnist',
    ]);
    expect(datasetSearchLocations('mnist', { env: {}, cwd: '/p' }).map((l) => l.dir)).toEqual([
      '/p/data/mnist',
      '/usr/share/datasets/mnist',
    ]);
  });

  it('lists every place searched and how to get the data when nothing is found', () => {
    const attempt = () =>
      locateFashionMnist({ dir: join(empty, 'given'), env: {}, cwd: empty, systemDir: join(empty, 'system') });
    expect(attempt).toThrow(DatasetNotFoundError);
    let message = '';
    try {
      attempt();
    } catch (error) {
      message = (error as Error).message;
      expect((error as DatasetNotFoundError).searched).toHaveLength(4);
    }
    expect(message).toContain('Fashion-MNIST (train split) not found');
    expect(message).toContain('train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz)');
    expect(message).toContain(`${join(empty, 'given')} (the folder given): no such folder`);
    expect(message).toContain('$INFOMAX_DATA/fashion-mnist: INFOMAX_DATA is not set');
    expect(message).toContain(`${join(empty, 'data', 'fashion-mnist')} (the project's data folder): no such folder`);
    expect(message).toContain(`${join(empty, 'system', 'fashion-mnist')} (the system data sets): no such folder`);
    expect(message).toContain('apt-get install dataset-fashion-mnist');
    expect(message).toContain('infomax data fetch fashion-mnist');
    // Search order in the message: given, env, project, system.
    const order = ['the folder given', 'INFOMAX_DATA is not set', "project's data folder", 'system data sets'].map((s) =>
      message.indexOf(s),
    );
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('names the missing file when a folder holds only part of a split', () => {
    const partial = join(tmp.dir, 'partial', 'fashion-mnist');
    writeIdxSplit(partial, 'train', 2, true);
    writeFileSync(join(partial, 't10k-images-idx3-ubyte.gz'), '');
    expect(() =>
      locateFashionMnist({ split: 'test', env: { INFOMAX_DATA: join(tmp.dir, 'partial') }, cwd: empty, systemDir: empty }),
    ).toThrow(/partial\/fashion-mnist \(\$INFOMAX_DATA\): missing t10k-labels-idx1-ubyte\(\.gz\)/);
  });

  it('loads a split from $INFOMAX_DATA before the project folder, gzip or raw', async () => {
    writeIdxSplit(join(tmp.dir, 'env', 'fashion-mnist'), 't10k', 3, true);
    writeIdxSplit(join(tmp.dir, 'project', 'data', 'fashion-mnist'), 't10k', 5, false);
    const common = { split: 'test' as const, cwd: join(tmp.dir, 'project'), systemDir: empty };
    const fromEnv = await loadFashionMnist({ ...common, env: { INFOMAX_DATA: join(tmp.dir, 'env') } });
    expect(fromEnv.size).toBe(3);
    expect(fromEnv.name).toBe('fashion-mnist/test');
    expect(fromEnv.classNames).toEqual(FASHION_MNIST_CLASS_NAMES);
    const fromProject = await loadFashionMnist({ ...common, env: {} });
    expect(fromProject.size).toBe(5);
    expect(fromProject.rawExample(4)[100]).toBe(4);
    const padded = await loadFashionMnist({ ...common, env: {}, padTo: 32, channels: 3 });
    expect(padded.exampleShape).toEqual([32, 32, 3]);
  });

  it('loads MNIST from an explicit folder', async () => {
    writeIdxSplit(join(tmp.dir, 'mnist-here'), 'train', 4, true);
    const source = await loadMnist({ dir: join(tmp.dir, 'mnist-here'), env: {}, cwd: empty, systemDir: empty });
    expect(source.size).toBe(4);
    expect(source.classNames?.[3]).toBe('3');
  });

  it('stands in synthetic shapes of the same size only when asked', async () => {
    const where = { env: {}, cwd: empty, systemDir: empty };
    {
      const spec = { name: 'cifar-10' as const, count: 8, seed: 1 };
      await expect(loadDataset(spec, where)).rejects.toThrow(DatasetNotFoundError);
      const loaded = await loadDataset({ ...spec, fallbackToSynthetic: true }, where);
      expect(loaded.location).toBe('synthetic');
      expect(loaded.fallbackReason).toMatch(/CIFAR-10 \(train split, binary version\) not found/);
      expect(loaded.source.exampleShape).toEqual([32, 32, 3]);
      expect(loaded.source.size).toBe(8);
      const test = await loadDataset({ ...spec, split: 'test', fallbackToSynthetic: true }, where);
      const a = loaded.source.batch(Int32Array.of(0));
      const b = test.source.batch(Int32Array.of(0));
      // Train and test draw different images from the same seed.
      expect(Array.from(await a.x.data())).not.toEqual(Array.from(await b.x.data()));
      tf.dispose([a.x, a.labels!, b.x, b.labels!]);
      const sequences = await loadDataset({ name: 'synthetic-sequences', count: 4, sequenceLength: 32 });
      expect(sequences.source.exampleShape).toEqual([32, 1]);
    }
  });
});

const SYSTEM_FASHION = '/usr/share/datasets/fashion-mnist';
const haveSystemFashion = existsSync(join(SYSTEM_FASHION, 'train-images-idx3-ubyte.gz'));

describe.skipIf(!haveSystemFashion)(
  `real Fashion-MNIST from ${SYSTEM_FASHION} (skipped when absent: apt-get install dataset-fashion-mnist)`,
  () => {
    it('has 60000 train and 10000 test 28x28x1 images with labels 0..9, and leaks nothing', async () => {
      // Only the system folder can match: no env, and a working directory without ./data.
      const options = { env: {}, cwd: '/nonexistent-infomax-cwd', systemDir: '/usr/share/datasets' };
      const [train, test] = await Promise.all([
        loadFashionMnist({ ...options, split: 'train' }),
        loadFashionMnist({ ...options, split: 'test' }),
      ]);
      expect(train.size).toBe(60000);
      expect(test.size).toBe(10000);
      for (const source of [train, test]) {
        expect(source.exampleShape).toEqual([28, 28, 1]);
        expect(source.numClasses).toBe(10);
        const counts = new Array<number>(10).fill(0);
        for (const label of source.labelArray()) counts[label]!++;
        // Fashion-MNIST is exactly balanced: 6000 / 1000 per class.
        expect(counts).toEqual(new Array(10).fill(source.size / 10));
      }
      const before = tf.memory().numTensors;
      const { x, labels } = train.batch(Int32Array.of(0, 59999, 12345));
      expect(x.shape).toEqual([3, 28, 28, 1]);
      const values = await x.data();
      expect(Math.max(...values)).toBeLessThanOrEqual(1);
      expect(Math.max(...values)).toBeGreaterThan(0.5);
      expect(Math.min(...values)).toBe(0);
      expect((await labels!.data()).every((l) => l >= 0 && l <= 9)).toBe(true);
      tf.dispose([x, labels!]);
      expect(tf.memory().numTensors).toBe(before);
    });
  },
);
