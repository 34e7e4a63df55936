import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFormatError, encodeIdx, idxImageSource, parseIdx } from '@infomax/data';
import { readIdxFile } from '@infomax/data/node';
import { tempDir } from './helpers/fixtures';

const images = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 37) % 256);

describe('IDX', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  it('encodes the header big-endian as the format specifies', () => {
    const bytes = encodeIdx(Uint8Array.of(1, 2), [2]);
    expect(Array.from(bytes)).toEqual([0, 0, 0x08, 1, 0, 0, 0, 2, 1, 2]);
    const shorts = encodeIdx(Int16Array.of(-2), [1]);
    expect(Array.from(shorts)).toEqual([0, 0, 0x0b, 1, 0, 0, 0, 1, 0xff, 0xfe]);
  });

  it('round-trips uint8 images without copying the data', () => {
    const bytes = encodeIdx(images, [3, 4, 5]);
    const parsed = parseIdx(bytes);
    expect(parsed.dtype).toBe('uint8');
    expect(parsed.dims).toEqual([3, 4, 5]);
    expect(Array.from(parsed.data)).toEqual(Array.from(images));
    expect(parsed.data.buffer).toBe(bytes.buffer);
  });

  it('round-trips the multi-byte dtypes', () => {
    for (const data of [Int8Array.of(-3, 4), Int16Array.of(-300, 2), Int32Array.of(-70000, 5), Float32Array.of(1.5, -2.25), Float64Array.of(Math.PI, -1e300)]) {
      const parsed = parseIdx(encodeIdx(data, [2]));
      expect(parsed.data.constructor).toBe(data.constructor);
      expect(Array.from(parsed.data)).toEqual(Array.from(data));
    }
  });

  it('reads raw and gzip files alike (detected by magic number)', async () => {
    const bytes = encodeIdx(images, [3, 4, 5]);
    writeFileSync(join(tmp.dir, 'raw-idx3-ubyte'), bytes);
    writeFileSync(join(tmp.dir, 'zipped-idx3-ubyte.gz'), gzipSync(bytes));
    for (const name of ['raw-idx3-ubyte', 'zipped-idx3-ubyte.gz']) {
      const parsed = await readIdxFile(join(tmp.dir, name));
      expect(parsed.dims).toEqual([3, 4, 5]);
      expect(Array.from(parsed.data)).toEqual(Array.from(images));
    }
  });

  it('names the file of a corrupt gzip', async () => {
    const zipped = gzipSync(encodeIdx(images, [3, 4, 5]));
    const path = join(tmp.dir, 'broken.gz');
    writeFileSync(path, zipped.subarray(0, zipped.length - 30));
    await expect(readIdxFile(path)).rejects.toThrow(DataFormatError);
    await expect(readIdxFile(path)).rejects.toThrow(`cannot gunzip ${path}`);
  });

  it('rejects empty, truncated and foreign bytes with what was expected and found', () => {
    const bytes = encodeIdx(images, [3, 4, 5]);
    expect(() => parseIdx(new Uint8Array(0))).toThrow(/IDX: empty input \(0 bytes\)/);
    expect(() => parseIdx(bytes.subarray(0, 10))).toThrow(/truncated header: 3 dimensions need 16 bytes, found 10/);
    expect(() => parseIdx(bytes.subarray(0, 50))).toThrow(
      /truncated data: header \[3, 4, 5\] uint8 needs 76 bytes, found 50/,
    );
    const withTrailing = new Uint8Array(bytes.length + 2);
    withTrailing.set(bytes);
    expect(() => parseIdx(withTrailing)).toThrow(/2 unexpected trailing bytes/);
    expect(() => parseIdx(Uint8Array.of(0x50, 0x4b, 3, 4))).toThrow(/wrong magic number 50 4b 03 04/);
    expect(() => parseIdx(gzipSync(bytes))).toThrow(/gzip-compressed: gunzip them first/);
    expect(() => parseIdx(Uint8Array.of(0, 0, 0x07, 1, 0, 0, 0, 1, 0))).toThrow(/unsupported dtype byte 0x07; known: 0x08 uint8/);
    expect(() => parseIdx(Uint8Array.of(0, 0, 8, 0))).toThrow(/zero dimensions/);
    expect(() => parseIdx(bytes.subarray(0, 50), { source: 'x.idx' })).toThrow(/ in x\.idx$/);
  });

  it('checks the header before allocating what it claims', () => {
    // A header claiming 2^32-1 x 2^32-1 float64 values must fail on the length check, not allocate.
    const hostile = Uint8Array.of(0, 0, 0x0e, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3);
    expect(() => parseIdx(hostile)).toThrow(/impossibly large|truncated data/);
    const big = Uint8Array.of(0, 0, 0x08, 1, 0x7f, 0xff, 0xff, 0xff, 1);
    expect(() => parseIdx(big)).toThrow(/needs 2147483655 bytes, found 9/);
  });

  it('builds an image source and checks images and labels agree', () => {
    const imageBytes = encodeIdx(images, [3, 4, 5]);
    const source = idxImageSource({ name: 't', images: imageBytes, labels: encodeIdx(Uint8Array.of(0, 2, 1), [3]) });
    expect(source.size).toBe(3);
    expect(source.exampleShape).toEqual([4, 5, 1]);
    expect(source.numClasses).toBe(3);
    expect(() =>
      idxImageSource({ name: 't', images: imageBytes, labels: encodeIdx(Uint8Array.of(0, 1), [2]), sources: { labels: 'l.idx' } }),
    ).toThrow(/2 labels in l\.idx for 3 images/);
    expect(() => idxImageSource({ name: 't', images: encodeIdx(Uint8Array.of(1, 2), [2]) })).toThrow(
      /expected uint8 images \[N, H, W\]/,
    );
  });
});
