import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchRequestError,
  DataFormatError,
  encodeIdx,
  ImageDataSource,
  InvalidDataError,
  SequenceDataSource,
} from '@infomax/data';
import {
  CIFAR10_FILES,
  ImageDecodeError,
  idxFileNames,
  loadCifar10,
  loadDataset,
  loadFashionMnist,
  readIdxFile,
} from '@infomax/data/node';
import { makeCifarRecords, tempDir } from './helpers/fixtures';

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** A Fashion-MNIST-shaped folder: `count` 28x28 images and the given labels. */
function writeIdxSet(dir: string, labels: readonly number[], transform: (images: Uint8Array) => Uint8Array = (b) => b) {
  mkdirSync(dir, { recursive: true });
  const names = idxFileNames('train');
  const images = encodeIdx(new Uint8Array(labels.length * 28 * 28).fill(7), [labels.length, 28, 28]);
  writeFileSync(join(dir, names.images), transform(images));
  writeFileSync(join(dir, names.labels), encodeIdx(Uint8Array.from(labels), [labels.length]));
  return { images: join(dir, names.images), labels: join(dir, names.labels) };
}

function writeCifarSet(dir: string, batch: Uint8Array): string {
  const folder = join(dir, 'cifar-10-batches-bin');
  mkdirSync(folder, { recursive: true });
  for (const file of CIFAR10_FILES.train) writeFileSync(join(folder, file), makeCifarRecords([1, 2]));
  writeFileSync(join(folder, CIFAR10_FILES.train[0]), batch);
  return join(folder, CIFAR10_FILES.train[0]);
}

describe('bad input to the data loaders: one typed error each, naming the problem and the fix', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  let folderIndex = 0;
  const fresh = () => join(tmp.dir, `set-${folderIndex++}`);

  it('an empty IDX file', async () => {
    const path = join(tmp.dir, 'empty-idx3-ubyte');
    writeFileSync(path, new Uint8Array(0));
    const error = await rejection(readIdxFile(path));
    expect(error).toBeInstanceOf(DataFormatError);
    expect(error.message).toBe(`IDX: empty input (0 bytes); expected an IDX header in ${path}`);
  });

  it('a truncated IDX file, raw or gzip-compressed', async () => {
    const dir = fresh();
    const { images } = writeIdxSet(dir, [0, 1, 2], (bytes) => bytes.subarray(0, 1000));
    const error = await rejection(loadFashionMnist({ dir }));
    expect(error).toBeInstanceOf(DataFormatError);
    expect(error.message).toBe(`IDX: truncated data: header [3, 28, 28] uint8 needs 2368 bytes, found 1000 in ${images}`);

    const zipped = join(tmp.dir, 'cut.gz');
    writeFileSync(zipped, gzipSync(encodeIdx(new Uint8Array(60), [3, 4, 5]).subarray(0, 30)));
    expect((await rejection(readIdxFile(zipped))).message).toBe(
      `IDX: truncated data: header [3, 4, 5] uint8 needs 76 bytes, found 30 in ${zipped}`,
    );
  });

  it('a file with the wrong magic number (a PNG named like an IDX file)', async () => {
    const dir = fresh();
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toBuffer();
    const { images } = writeIdxSet(dir, [0], () => png);
    const error = await rejection(loadFashionMnist({ dir }));
    expect(error).toBeInstanceOf(DataFormatError);
    expect(error.message).toBe(
      `IDX: wrong magic number 89 50 4e 47: an IDX file starts with 00 00 <dtype> <ndim> in ${images}`,
    );
  });

  it('an empty and a truncated CIFAR batch', async () => {
    const empty = writeCifarSet(fresh(), new Uint8Array(0));
    expect((await rejection(loadCifar10({ dir: join(empty, '..', '..') }))).message).toBe(`CIFAR: empty input in ${empty}`);
    const cut = writeCifarSet(fresh(), makeCifarRecords([1, 2]).subarray(0, 5000));
    const error = await rejection(loadCifar10({ dir: join(cut, '..', '..') }));
    expect(error).toBeInstanceOf(DataFormatError);
    expect(error.message).toBe(
      `CIFAR: 5000 bytes in ${cut} is not a multiple of the cifar-10 record size 3073 (1 label byte + 3072 pixels): ` +
        '1 whole records and 1927 bytes left over (truncated file, or the wrong variant?)',
    );
  });

  it('labels out of range, in IDX and CIFAR files', async () => {
    const dir = fresh();
    writeIdxSet(dir, [0, 9, 3, 12]);
    const idx = await rejection(loadFashionMnist({ dir }));
    expect(idx).toBeInstanceOf(InvalidDataError);
    expect(idx.message).toBe('fashion-mnist/train: label 12 of example 3 is outside 0..9 (numClasses 10)');

    const cifar = writeCifarSet(fresh(), makeCifarRecords([4, 10]));
    const error = await rejection(loadCifar10({ dir: join(cifar, '..', '..') }));
    expect(error).toBeInstanceOf(DataFormatError);
    expect(error.message).toBe(`CIFAR: record 1 in ${cifar} has label 10, outside 0..9 for cifar-10`);
  });

  it('NaN or infinite input values', () => {
    const nan = () => new ImageDataSource({ name: 'floats', images: Float32Array.of(0.5, 0.25, 0, NaN), shape: [2, 1, 1, 2] });
    expect(nan).toThrow(InvalidDataError);
    expect(nan).toThrow('floats: value NaN at example 1 (element 1 of 2); data must be finite: clean or drop that example');
    const inf = () => new SequenceDataSource({ name: 'waves', sequences: Float32Array.of(0, 1, -Infinity, 2), shape: [2, 2, 1] });
    expect(inf).toThrow('waves: value -Infinity at example 1 (element 0 of 2); data must be finite: clean or drop that example');
  });

  it('a batch larger than the data set', () => {
    const source = new ImageDataSource({ name: 'tiny', images: new Uint8Array(3 * 4), shape: [3, 2, 2, 1] });
    const request = () => source.batch(Int32Array.from({ length: 5 }, (_, i) => i % 3));
    expect(request).toThrow(BatchRequestError);
    expect(request).toThrow(
      'tiny: a batch of 5 examples was requested but the data set holds only 3; use a batch size of at most 3 (or a larger data set)',
    );
  });

  it('an image-folder spec without its folder', async () => {
    const error = await rejection(loadDataset({ name: 'image-folder' }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toBe("data set 'image-folder' needs dir: set data.dir to the folder holding one sub-folder per class");
  });

  describe('a corrupt image in a folder: skipped with a warning, or an error, by the spec', () => {
    let root = '';
    beforeAll(async () => {
      root = fresh();
      mkdirSync(join(root, 'a'), { recursive: true });
      const png = await sharp({ create: { width: 6, height: 6, channels: 3, background: '#336699' } }).png().toBuffer();
      writeFileSync(join(root, 'a', 'good.png'), png);
      writeFileSync(join(root, 'a', 'bad.png'), png.subarray(0, 40));
    });

    it('skip (the default) warns through onWarning and keeps the good images', async () => {
      const warnings: string[] = [];
      const { source } = await loadDataset({ name: 'image-folder', dir: root, size: 4 }, { onWarning: (m) => warnings.push(m) });
      expect(source.size).toBe(1);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(new RegExp(`^folder:set-\\d+: skipping cannot decode image ${join(root, 'a', 'bad.png')}: `));
    });

    it("onCorrupt: 'error' stops the load naming the file", async () => {
      const error = await rejection(loadDataset({ name: 'image-folder', dir: root, size: 4, onCorrupt: 'error' }));
      expect(error).toBeInstanceOf(ImageDecodeError);
      expect(error.message).toMatch(new RegExp(`^cannot decode image ${join(root, 'a', 'bad.png')}: `));
    });
  });
});
