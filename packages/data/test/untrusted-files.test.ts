import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSyntheticSequences,
  createSyntheticShapes,
  DataFormatError,
  DEFAULT_MAX_DATASET_BYTES,
  encodeIdx,
  ImageDataSource,
  InvalidDataError,
  parseIdx,
} from '@infomax/data';
import {
  datasetSpecSchema,
  DEFAULT_MAX_DATA_FILE_BYTES,
  DEFAULT_MAX_IMAGE_PIXELS,
  ImageDecodeError,
  idxFileNames,
  loadFashionMnist,
  loadImageFolder,
  readMaybeGzip,
} from '@infomax/data/node';
import { tempDir } from './helpers/fixtures';
import { withClaimedPngSize } from './helpers/fuzz';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** Bytes of ArrayBuffers the process holds now (typed arrays, Buffers). */
const arrayBufferBytes = () => process.memoryUsage().arrayBuffers;

describe('sizes in data files are checked before anything is allocated', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const MiB = 1024 ** 2;

  it('has limits far above real data and far below a crafted claim', () => {
    expect(DEFAULT_MAX_DATA_FILE_BYTES).toBe(512 * MiB);
    expect(DEFAULT_MAX_DATASET_BYTES).toBe(1024 * MiB);
    expect(DEFAULT_MAX_IMAGE_PIXELS).toBe(50_000_000);
  });

  it('stops gunzip at the cap: a small .gz cannot expand into gigabytes', async () => {
    const bomb = join(tmp.dir, 'bomb-idx3-ubyte.gz');
    const zipped = gzipSync(new Uint8Array(8 * MiB));
    expect(zipped.length).toBeLessThan(16 * 1024);
    writeFileSync(bomb, zipped);
    const before = arrayBufferBytes();
    const error = await rejection(readMaybeGzip(bomb, { maxBytes: MiB }));
    expect(arrayBufferBytes() - before).toBeLessThan(4 * MiB);
    expect(error).toBeInstanceOf(DataFormatError);
    expect(error.message).toBe(
      `${bomb} unpacks to more than the 1 MiB a data file may hold; it is not a data set infomax reads (or is crafted). ` +
        'If it is genuine, pass a larger maxBytes to the loader',
    );
  });

  it('refuses a file larger than the cap by its size on disk, before reading it', async () => {
    const big = join(tmp.dir, 'big-idx3-ubyte');
    writeFileSync(big, new Uint8Array(3 * MiB));
    expect((await rejection(readMaybeGzip(big, { maxBytes: MiB }))).message).toMatch(
      new RegExp(`^${big} holds 3 MiB, more than the 1 MiB a data file may hold`),
    );
    // The loaders pass the cap down.
    const dir = join(tmp.dir, 'fmnist');
    mkdirSync(dir);
    const names = idxFileNames('train');
    const count = 2688; // 2.0 MiB of 28x28 images
    writeFileSync(join(dir, names.images), gzipSync(encodeIdx(new Uint8Array(count * 784), [count, 28, 28])));
    writeFileSync(join(dir, names.labels), encodeIdx(new Uint8Array(count), [count]));
    expect((await rejection(loadFashionMnist({ dir, maxBytes: MiB }))).message).toMatch(/unpacks to more than the 1 MiB/);
  });

  it('checks IDX header dimensions against the byte count, not by allocating them', () => {
    // 4 dims of 65536 uint8 = 2^64 bytes claimed by a 28-byte file.
    const claim = new Uint8Array(4 + 16 + 8);
    claim.set([0, 0, 0x08, 4]);
    for (let i = 0; i < 4; i++) new DataView(claim.buffer).setUint32(4 + 4 * i, 65536, false);
    const before = arrayBufferBytes();
    expect(() => parseIdx(claim)).toThrow('IDX: header dims [65536, 65536, 65536, 65536] describe an impossibly large array');
    // 2^31 float64 values claimed by a 12-byte file.
    const floats = Uint8Array.of(0, 0, 0x0e, 1, 0x80, 0, 0, 0, 1, 2, 3, 4);
    expect(() => parseIdx(floats)).toThrow('IDX: truncated data: header [2147483648] float64 needs 17179869192 bytes, found 12');
    expect(arrayBufferBytes() - before).toBeLessThan(MiB);
  });

  describe('image headers', () => {
    const root = join(tmp.dir, 'images');
    beforeAll(async () => {
      mkdirSync(join(root, 'x'), { recursive: true });
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).png().toBuffer();
      writeFileSync(join(root, 'x', 'fine.png'), png);
      // 60000 x 60000 = 3.6 gigapixels claimed (10.8 GB of RGB) by a 100-byte file.
      writeFileSync(join(root, 'x', 'claims-huge.png'), withClaimedPngSize(png, 60000, 60000));
    });

    it('treats an image whose header claims too many pixels as corrupt: skipped with a warning', async () => {
      const warnings: string[] = [];
      const source = await loadImageFolder(root, { size: 4, onWarning: (m) => warnings.push(m) });
      expect(source.size).toBe(1);
      expect(warnings).toEqual([
        `folder:images: skipping cannot decode image ${join(root, 'x', 'claims-huge.png')}: Input image exceeds pixel limit`,
      ]);
    });

    it('or an error naming it', async () => {
      const error = await rejection(loadImageFolder(root, { size: 4, onCorrupt: 'error' }));
      expect(error).toBeInstanceOf(ImageDecodeError);
      expect(error.message).toBe(`cannot decode image ${join(root, 'x', 'claims-huge.png')}: Input image exceeds pixel limit`);
    });

    it('checks the whole folder against the memory budget before decoding', async () => {
      const error = await rejection(loadImageFolder(root, { size: 1000, maxBytes: MiB, onWarning: () => undefined }));
      expect(error).toBeInstanceOf(InvalidDataError);
      expect(error.message).toBe(
        'folder:images: 2 images of 1000x1000x3 would need 5.7 MiB, more than the 1 MiB allowed; lower the image size (data.size) or use fewer images',
      );
    });
  });

  it('checks generated data sets and batch layouts against the budget', () => {
    const before = arrayBufferBytes();
    expect(() => createSyntheticShapes({ count: 10_000_000, imageSize: 1024 })).toThrow(
      'synthetic-shapes: 10000000 images of 1024x1024x3 would need 28.6 TiB, more than the 1 GiB allowed; ' +
        'lower the count (data.count / data.limit) or the image size (data.imageSize)',
    );
    expect(() => createSyntheticSequences({ count: 1_000_000, length: 1_000_000 })).toThrow(
      'synthetic-sequences: 1000000 sequences of 1000000 float32 samples would need 3.6 TiB',
    );
    expect(arrayBufferBytes() - before).toBeLessThan(MiB);
    const source = new ImageDataSource({ name: 'small', images: new Uint8Array(4), shape: [1, 2, 2, 1] });
    expect(() => source.withOutput({ padTo: 100_000 })).toThrow(
      'small: one 100000x100000x1 example in a batch would need 37.3 GiB, more than the 16 MiB allowed; lower padTo (padding only adds a border of zeros)',
    );
  });

  it('bounds the sizes a data spec may ask for', () => {
    const issues = (input: unknown) => {
      const parsed = datasetSpecSchema.safeParse(input);
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`);
    };
    expect(issues({ imageSize: 4096, size: 5000, padTo: 2048, count: 1e9, sequenceLength: 1e8, numClasses: 1000 })).toEqual([
      'padTo: too_big',
      'count: too_big',
      'imageSize: too_big',
      'sequenceLength: too_big',
      'numClasses: too_big',
      'size: too_big',
    ]);
    expect(issues({ onCorrupt: 'ignore' })).toEqual(['onCorrupt: invalid_value']);
  });
});
