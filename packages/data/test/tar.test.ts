import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFormatError } from '@infomax/data';
import { extractTarGz, TarParser, type TarEvent } from '@infomax/data/node';
import { makeTar, tempDir } from './helpers/fixtures';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 251);

/** Feeds the archive in chunks of `size` bytes and collects path -> content. */
function readAll(archive: Uint8Array, size: number): Map<string, number[]> {
  const parser = new TarParser();
  const files = new Map<string, number[]>();
  let current: string | null = null;
  const handle = (events: TarEvent[]) => {
    for (const e of events) {
      if (e.kind === 'entry') {
        current = e.entry.path;
        files.set(current, []);
      } else if (e.kind === 'data') files.get(current!)!.push(...e.bytes);
      else current = null;
    }
  };
  for (let at = 0; at < archive.length; at += size) handle(parser.push(archive.subarray(at, at + size)));
  parser.finish();
  return files;
}

describe('tar reader', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const longPath = `deep/${'x'.repeat(120)}/file.bin`;
  const entries = [
    { path: 'a/one.bin', data: bytes(1000, 1) },
    { path: 'a/empty.bin', data: new Uint8Array(0) },
    { path: 'b/exact.bin', data: bytes(512, 2) },
    { path: longPath, data: bytes(3, 3), scheme: 'gnu-long' as const },
    { path: `pax/${'y'.repeat(130)}.bin`, data: bytes(700, 4), scheme: 'pax' as const },
  ];
  const archive = makeTar(entries);

  it('reads files whatever the chunking, including GNU and pax long names', () => {
    for (const size of [1, 7, 512, 1000, archive.length]) {
      const files = readAll(archive, size);
      expect([...files.keys()]).toEqual(entries.map((e) => e.path));
      for (const e of entries) expect(files.get(e.path)).toEqual(Array.from(e.data));
    }
  });

  it('rejects a bad checksum and a truncated archive', () => {
    const corrupt = archive.slice();
    corrupt[10] = corrupt[10]! ^ 0xff;
    expect(() => readAll(corrupt, 4096)).toThrow(/bad header checksum at byte 0/);
    expect(() => readAll(archive.subarray(0, 1200), 4096)).toThrow(/truncated inside entry a\/one\.bin \(688 of 1000 bytes/);
    expect(() => readAll(new TextEncoder().encode('hello'), 4096)).toThrow(DataFormatError);
  });

  it('extracts a .tar.gz atomically and refuses paths outside the destination', async () => {
    const path = join(tmp.dir, 'x.tar.gz');
    writeFileSync(path, gzipSync(archive));
    const out = join(tmp.dir, 'out');
    const written = await extractTarGz(path, out);
    expect(written).toHaveLength(entries.length);
    expect(Array.from(readFileSync(join(out, longPath)))).toEqual([...bytes(3, 3)]);
    expect(existsSync(join(out, 'a', 'one.bin.part'))).toBe(false);

    const evil = join(tmp.dir, 'evil.tar.gz');
    writeFileSync(evil, gzipSync(makeTar([{ path: '../escape.bin', data: bytes(4, 0) }])));
    await expect(extractTarGz(evil, join(tmp.dir, 'evil-out'))).rejects.toThrow(/refusing entry '\.\.\/escape\.bin'/);
    expect(existsSync(join(tmp.dir, 'escape.bin'))).toBe(false);

    const broken = join(tmp.dir, 'broken.tar.gz');
    const zipped = gzipSync(archive);
    writeFileSync(broken, zipped.subarray(0, zipped.length / 2));
    await expect(extractTarGz(broken, join(tmp.dir, 'broken-out'))).rejects.toThrow(DataFormatError);
  });

  const haveTar = (() => {
    try {
      execFileSync('tar', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!haveTar)('extracts what the system tar writes (GNU long names included)', async () => {
    const src = join(tmp.dir, 'src');
    const long = `${'z'.repeat(150)}.bin`;
    mkdirSync(join(src, 'cifar-10-batches-bin'), { recursive: true });
    writeFileSync(join(src, 'cifar-10-batches-bin', 'data_batch_1.bin'), bytes(5000, 9));
    writeFileSync(join(src, long), bytes(10, 8));
    const path = join(tmp.dir, 'system.tar.gz');
    execFileSync('tar', ['-czf', path, '-C', src, 'cifar-10-batches-bin', long]);
    const out = join(tmp.dir, 'system-out');
    await extractTarGz(path, out);
    expect(Array.from(readFileSync(join(out, 'cifar-10-batches-bin', 'data_batch_1.bin')))).toEqual([...bytes(5000, 9)]);
    expect(Array.from(readFileSync(join(out, long)))).toEqual([...bytes(10, 8)]);
  });
});
