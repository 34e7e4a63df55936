import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchRequestError,
  DataFormatError,
  encodeIdx,
  idxImageSource,
  InvalidDataError,
  parseCifar,
  parseIdx,
  type IdxData,
} from '@infomax/data';
import { ImageDecodeError, loadImageFolder, readIdxFile } from '@infomax/data/node';
import { makeCifarRecords, tempDir } from './helpers/fixtures';
import { FuzzRandom, mutateBytes } from './helpers/fuzz';

/**
 * Property: a loader given random or mutated bytes either succeeds with a consistent result
 * or throws one of the data errors with a message. Never a TypeError, RangeError or another
 * uncaught exception, and never a hang (each test has a time limit). Seeds are fixed, so a
 * failure reproduces; the case number is in the assertion message.
 */
const TYPED = [DataFormatError, InvalidDataError, BatchRequestError, ImageDecodeError];

function expectTypedError(error: unknown, label: string): void {
  const typed = TYPED.some((type) => error instanceof type);
  expect(typed, `${label}: ${(error as Error)?.name}: ${(error as Error)?.message}`).toBe(true);
  expect((error as Error).message.length, label).toBeGreaterThan(10);
}

/** Outcomes of one fuzz run: both must occur, or the mutations are too mild or too wild. */
class Outcomes {
  ok = 0;
  failed = 0;
  expectBoth(): void {
    expect(this.ok, 'cases that loaded').toBeGreaterThan(0);
    expect(this.failed, 'cases that failed').toBeGreaterThan(0);
  }
}

function attempt<T>(outcomes: Outcomes, label: string, run: () => T, check: (value: T) => void): void {
  let value: T;
  try {
    value = run();
  } catch (error) {
    expectTypedError(error, label);
    outcomes.failed++;
    return;
  }
  check(value);
  outcomes.ok++;
}

async function attemptAsync<T>(outcomes: Outcomes, label: string, run: () => Promise<T>, check: (value: T) => void): Promise<void> {
  let value: T;
  try {
    value = await run();
  } catch (error) {
    expectTypedError(error, label);
    outcomes.failed++;
    return;
  }
  check(value);
  outcomes.ok++;
}

const idxSeeds: [IdxData, number[]][] = [
  [Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => i), [3, 4, 5]],
  [Uint8Array.from({ length: 2 * 3 * 3 * 3 }, (_, i) => i * 3), [2, 3, 3, 3]],
  [Uint8Array.of(0, 1, 2, 9), [4]],
  [Int16Array.of(-5, 7, 300), [3]],
  [Float32Array.of(0.5, -1, 2, NaN), [2, 2]],
  [Float64Array.of(1, 2), [2]],
];

function checkIdx(tensor: ReturnType<typeof parseIdx>, label: string): void {
  const count = tensor.dims.reduce((a, b) => a * b, 1);
  expect(tensor.data.length, label).toBe(count);
}

describe('fuzz: data loaders meet random and mutated files with typed errors', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  it('parseIdx: 300 mutated and random IDX buffers', () => {
    const random = new FuzzRandom(0x1d1);
    const outcomes = new Outcomes();
    for (let i = 0; i < 300; i++) {
      const label = `idx case ${i}`;
      const [data, dims] = random.pick(idxSeeds);
      const bytes = i % 10 === 9 ? random.bytes(random.int(40)) : mutateBytes(random, encodeIdx(data, dims));
      attempt(outcomes, label, () => parseIdx(bytes, { source: 'fuzz' }), (tensor) => checkIdx(tensor, label));
    }
    outcomes.expectBoth();
  });

  it('idxImageSource: 200 mutated image and label file pairs', () => {
    const random = new FuzzRandom(0x1d2);
    const outcomes = new Outcomes();
    for (let i = 0; i < 200; i++) {
      const label = `idx image case ${i}`;
      const count = 1 + random.int(4);
      const images = encodeIdx(random.bytes(count * 6 * 5), [count, 6, 5]);
      const labels = encodeIdx(Uint8Array.from({ length: count }, () => random.int(10)), [count]);
      const mutateImages = random.chance(0.6);
      attempt(
        outcomes,
        label,
        () =>
          idxImageSource({
            name: 'fuzz',
            images: mutateImages ? mutateBytes(random, images) : images,
            labels: mutateImages && random.chance(0.5) ? labels : mutateBytes(random, labels),
            classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
            padTo: random.chance(0.3) ? random.pick([4, 8, 32]) : undefined,
            channels: random.chance(0.3) ? random.pick([1, 3, 2]) : undefined,
          }),
        (source) => {
          expect(source.size, label).toBeGreaterThan(0);
          expect(source.labelArray().every((l) => l >= 0 && l < 10), label).toBe(true);
        },
      );
    }
    outcomes.expectBoth();
  });

  it('readIdxFile: 60 mutated files, raw and gzip (and mutated gzip streams)', async () => {
    const random = new FuzzRandom(0x1d3);
    const outcomes = new Outcomes();
    for (let i = 0; i < 60; i++) {
      const label = `idx file case ${i}`;
      const [data, dims] = random.pick(idxSeeds);
      const valid = encodeIdx(data, dims);
      const mode = i % 3;
      const bytes = mode === 0 ? mutateBytes(random, valid) : mode === 1 ? gzipSync(mutateBytes(random, valid)) : mutateBytes(random, gzipSync(valid), 24);
      const path = join(tmp.dir, `case-${i}`);
      writeFileSync(path, bytes);
      await attemptAsync(outcomes, label, () => readIdxFile(path, { maxBytes: 1024 ** 2 }), (tensor) => checkIdx(tensor, label));
    }
    outcomes.expectBoth();
  });

  it('parseCifar: 150 mutated CIFAR-10 and CIFAR-100 batches', () => {
    const random = new FuzzRandom(0xc1f);
    const outcomes = new Outcomes();
    const ten = makeCifarRecords([3, 9]);
    const hundred = makeCifarRecords([99, 0], [19, 4]);
    for (let i = 0; i < 150; i++) {
      const label = `cifar case ${i}`;
      const variant = random.chance(0.5) ? 'cifar-10' : 'cifar-100';
      const base = variant === 'cifar-10' ? ten : hundred;
      const chunks = random.chance(0.2) ? [mutateBytes(random, base, 4), base] : [mutateBytes(random, base, 4)];
      attempt(
        outcomes,
        label,
        () => parseCifar(chunks, { variant, sources: ['a.bin', 'b.bin'] }),
        (records) => {
          expect(records.images.length, label).toBe(records.count * 3072);
          expect(records.labels.every((l) => l < (variant === 'cifar-10' ? 10 : 100)), label).toBe(true);
        },
      );
    }
    outcomes.expectBoth();
  });

  describe('image folders', () => {
    const originals: { ext: string; bytes: Uint8Array }[] = [];
    beforeAll(async () => {
      const image = sharp({ create: { width: 9, height: 7, channels: 3, background: '#4080c0' } });
      originals.push({ ext: '.png', bytes: await image.clone().png().toBuffer() });
      originals.push({ ext: '.jpg', bytes: await image.clone().jpeg().toBuffer() });
      originals.push({ ext: '.webp', bytes: await image.clone().webp().toBuffer() });
    });

    it('loadImageFolder: 45 mutated PNG, JPEG and WebP images, skipped or refused by option', async () => {
      const random = new FuzzRandom(0x1ae);
      const outcomes = new Outcomes();
      for (let i = 0; i < 45; i++) {
        const label = `image case ${i}`;
        const root = join(tmp.dir, `folder-${i}`);
        mkdirSync(join(root, 'only'), { recursive: true });
        const { ext, bytes } = random.pick(originals);
        writeFileSync(join(root, 'only', `image${ext}`), mutateBytes(random, bytes, 40));
        const onCorrupt = random.chance(0.5) ? 'skip' : 'error';
        await attemptAsync(
          outcomes,
          label,
          () => loadImageFolder(root, { size: 4, channels: random.pick([1, 3] as const), onCorrupt, onWarning: () => undefined }),
          (source) => {
            expect(source.size, label).toBe(1);
            expect(source.rawExample(0).length, label).toBe(4 * 4 * source.storedShape[2]);
          },
        );
        rmSync(root, { recursive: true });
      }
      outcomes.expectBoth();
    });
  });
});
