import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR10_CLASS_NAMES, DataFormatError, parseCifar } from '@infomax/data';
import { loadCifar10, loadCifar100, CIFAR10_FILES } from '@infomax/data/node';
import { cifarPixel, makeCifarRecords, tempDir } from './helpers/fixtures';

describe('CIFAR binary', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  it('parses records and converts CHW planes to HWC', () => {
    const parsed = parseCifar(makeCifarRecords([3, 0, 9]), { variant: 'cifar-10' });
    expect(parsed.count).toBe(3);
    expect(Array.from(parsed.labels)).toEqual([3, 0, 9]);
    expect(parsed.images.length).toBe(3 * 32 * 32 * 3);
    for (const [r, y, x, c] of [
      [0, 0, 0, 0],
      [1, 0, 1, 2],
      [2, 31, 31, 1],
      [1, 5, 17, 0],
    ] as const) {
      const hwc = parsed.images[((r * 32 + y) * 32 + x) * 3 + c];
      expect(hwc).toBe(cifarPixel(r, c, y * 32 + x));
    }
  });

  it('concatenates several batches into one array', () => {
    const parsed = parseCifar([makeCifarRecords([1]), makeCifarRecords([2, 3])], { variant: 'cifar-10' });
    expect(Array.from(parsed.labels)).toEqual([1, 2, 3]);
    // The second chunk's first record restarts the pattern at record 0.
    expect(parsed.images[1 * 3072 + 2]).toBe(cifarPixel(0, 2, 0));
  });

  it('reads CIFAR-100 coarse and fine labels', () => {
    const parsed = parseCifar(makeCifarRecords([99, 5], [19, 0]), { variant: 'cifar-100' });
    expect(Array.from(parsed.labels)).toEqual([99, 5]);
    expect(Array.from(parsed.coarseLabels!)).toEqual([19, 0]);
    expect(parsed.images[3]).toBe(cifarPixel(0, 0, 1));
  });

  it('rejects lengths that are not whole records, and labels out of range', () => {
    const bytes = makeCifarRecords([1, 2]);
    expect(() => parseCifar(bytes.subarray(0, 4000), { variant: 'cifar-10', sources: ['b.bin'] })).toThrow(
      /4000 bytes in b\.bin is not a multiple of the cifar-10 record size 3073 .*1 whole records and 927 bytes left over/,
    );
    expect(() => parseCifar(new Uint8Array(0), { variant: 'cifar-10' })).toThrow(DataFormatError);
    expect(() => parseCifar(makeCifarRecords([1, 10]), { variant: 'cifar-10' })).toThrow(
      /record 1 has label 10, outside 0\.\.9/,
    );
    expect(() => parseCifar(makeCifarRecords([1], [20]), { variant: 'cifar-100' })).toThrow(/coarse label 20/);
    // A CIFAR-10 file read as CIFAR-100 does not divide into records.
    expect(() => parseCifar(makeCifarRecords([1, 2, 3]), { variant: 'cifar-100' })).toThrow(/not a multiple/);
  });

  it('loads CIFAR-10 and CIFAR-100 splits from the extracted folders', async () => {
    const c10 = join(tmp.dir, 'cifar-10', 'cifar-10-batches-bin');
    mkdirSync(c10, { recursive: true });
    CIFAR10_FILES.train.forEach((f, i) => writeFileSync(join(c10, f), makeCifarRecords([i, i + 1])));
    writeFileSync(join(c10, 'test_batch.bin'), makeCifarRecords([7]));
    const train = await loadCifar10({ dir: join(tmp.dir, 'cifar-10'), split: 'train' });
    expect(train.name).toBe('cifar-10/train');
    expect(train.size).toBe(10);
    expect(train.exampleShape).toEqual([32, 32, 3]);
    expect(train.classNames).toEqual(CIFAR10_CLASS_NAMES);
    expect(Array.from(train.labelArray())).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
    const test = await loadCifar10({ dir: tmp.dir, split: 'test' });
    expect(test.size).toBe(1);

    const c100 = join(tmp.dir, 'cifar-100', 'cifar-100-binary');
    mkdirSync(c100, { recursive: true });
    writeFileSync(join(c100, 'test.bin'), makeCifarRecords([42, 7], [3, 12]));
    writeFileSync(join(c100, 'coarse_label_names.txt'), Array.from({ length: 20 }, (_, i) => `super${i}`).join('\n'));
    const coarse = await loadCifar100({ dir: tmp.dir, split: 'test', labels: 'coarse' });
    expect(coarse.numClasses).toBe(20);
    expect(Array.from(coarse.labelArray())).toEqual([3, 12]);
    expect(coarse.classNames?.[12]).toBe('super12');
    const fine = await loadCifar100({ dir: tmp.dir, split: 'test' });
    expect(fine.numClasses).toBe(100);
    expect(Array.from(fine.labelArray())).toEqual([42, 7]);
  });
});
