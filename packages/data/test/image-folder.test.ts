import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ImageDecodeError,
  loadImageFolder,
  loadSharp,
  MissingOptionalDependencyError,
} from '@infomax/data/node';
import { tempDir } from './helpers/fixtures';

describe('image folders', () => {
  const tmp = tempDir();
  const root = join(tmp.dir, 'pets');
  afterAll(tmp.cleanup);

  beforeAll(async () => {
    // Class folders out of alphabetical order on purpose: classes are sorted by name.
    mkdirSync(join(root, 'dogs'), { recursive: true });
    mkdirSync(join(root, 'cats'), { recursive: true });
    const solid = (r: number, g: number, b: number, size: number) =>
      sharp(Buffer.from(Array.from({ length: size * size }, () => [r, g, b]).flat()), {
        raw: { width: size, height: size, channels: 3 },
      })
        .png()
        .toBuffer();
    writeFileSync(join(root, 'dogs', 'rex.png'), await solid(200, 100, 50, 8));
    writeFileSync(join(root, 'cats', 'tom.png'), await solid(10, 20, 250, 6));
    const good = await solid(1, 2, 3, 8);
    writeFileSync(join(root, 'cats', 'broken.png'), good.subarray(0, good.length - 25));
    writeFileSync(join(root, 'cats', 'notes.txt'), 'not an image, and not read');
  });

  it('skips a corrupt image with a warning naming it', async () => {
    const warnings: string[] = [];
    const source = await loadImageFolder(root, { size: 4, onWarning: (m) => warnings.push(m) });
    expect(source.classNames).toEqual(['cats', 'dogs']);
    expect(source.size).toBe(2);
    expect(source.exampleShape).toEqual([4, 4, 3]);
    expect(Array.from(source.labelArray())).toEqual([0, 1]);
    expect(Array.from(source.rawExample(0).subarray(0, 3))).toEqual([10, 20, 250]);
    expect(Array.from(source.rawExample(1).subarray(45, 48))).toEqual([200, 100, 50]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`skipping cannot decode image ${join(root, 'cats', 'broken.png')}`);
  });

  it('fails naming the corrupt file in error mode', async () => {
    const attempt = loadImageFolder(root, { size: 4, onCorrupt: 'error', onWarning: () => undefined });
    await expect(attempt).rejects.toThrow(ImageDecodeError);
    await expect(loadImageFolder(root, { size: 4, onCorrupt: 'error' })).rejects.toThrow(
      `cannot decode image ${join(root, 'cats', 'broken.png')}`,
    );
  });

  it('converts to grayscale and pads when asked', async () => {
    const source = await loadImageFolder(root, { size: 3, channels: 1, padTo: 5, onWarning: () => undefined });
    expect(source.exampleShape).toEqual([5, 5, 1]);
    expect(source.storedShape).toEqual([3, 3, 1]);
    // The orange dog is brighter than the blue cat under any luma weighting.
    const dog = source.rawExample(1)[0]!;
    const cat = source.rawExample(0)[0]!;
    expect(dog).toBeGreaterThan(cat + 30);
    expect(Array.from(source.rawExample(1))).toEqual(new Array(9).fill(dog));
  });

  it('says what the folder must look like when it has no classes', async () => {
    const flat = join(tmp.dir, 'flat');
    mkdirSync(flat);
    await expect(loadImageFolder(flat, { size: 4 })).rejects.toThrow(/no class sub-folders in .*flat/);
  });

  it('asks for sharp when it is not installed', async () => {
    const missing = () =>
      Promise.reject(Object.assign(new Error("Cannot find package 'sharp'"), { code: 'ERR_MODULE_NOT_FOUND' }));
    await expect(loadSharp(missing)).rejects.toThrow(MissingOptionalDependencyError);
    await expect(loadSharp(missing)).rejects.toThrow(/install sharp to read image folders .*it is not installed/);
    await expect(loadImageFolder(root, { size: 4, importSharp: missing })).rejects.toThrow(/install sharp/);
    expect(typeof (await loadSharp())).toBe('function');
  });
});
