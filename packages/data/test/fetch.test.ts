import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Rng } from '@infomax/core';
import { encodeIdx } from '@infomax/data';
import {
  ChecksumMismatchError,
  DATASET_MANIFESTS,
  DownloadError,
  fetchDataset,
  loadCifar10,
  loadFashionMnist,
  type DatasetManifest,
  type FetchProgress,
} from '@infomax/data/node';
import { TestFileServer } from './helpers/file-server';
import { makeCifarRecords, makeTar, tempDir } from './helpers/fixtures';

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** A tiny Fashion-MNIST-shaped data set: gzipped IDX files with varied (poorly compressible) pixels. */
function idxFixture(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const [prefix, count] of [
    ['train', 6],
    ['t10k', 2],
  ] as const) {
    const rng = new Rng(prefix);
    const images = Uint8Array.from({ length: count * 784 }, () => rng.int(0, 255));
    const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
    files.set(`${prefix}-images-idx3-ubyte.gz`, gzipSync(encodeIdx(images, [count, 28, 28])));
    files.set(`${prefix}-labels-idx1-ubyte.gz`, gzipSync(encodeIdx(labels, [count])));
  }
  return files;
}

const manifestOf = (files: Map<string, Uint8Array>, extra: Partial<DatasetManifest> = {}): DatasetManifest => ({
  baseUrls: ['http://127.0.0.1:1/unused/'],
  files: [...files].map(([name, bytes]) => ({ name, md5: md5(bytes) })),
  provides: [...files.keys()],
  ...extra,
});

describe('fetchDataset against a local server', () => {
  const server = new TestFileServer();
  const tmp = tempDir();
  const fixture = idxFixture();
  const trainImages = 'train-images-idx3-ubyte.gz';
  let case_ = 0;
  let dir = '';
  const fast = { retryDelayMs: 0, timeoutMs: 5000 };

  beforeAll(async () => {
    for (const [name, bytes] of fixture) server.serve(name, bytes);
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
    tmp.cleanup();
  });
  beforeEach(() => {
    dir = join(tmp.dir, `case-${case_++}`);
    server.requests.length = 0;
  });

  it('downloads, verifies and reports progress; loaders then find the files', async () => {
    expect(fixture.get(trainImages)!.length).toBeGreaterThan(2000);
    const progress: FetchProgress[] = [];
    const result = await fetchDataset('fashion-mnist', {
      dir,
      baseUrl: server.baseUrl,
      manifest: manifestOf(fixture),
      onProgress: (p) => progress.push(p),
      ...fast,
    });
    expect(result.downloaded).toHaveLength(4);
    for (const [name, bytes] of fixture) expect(md5(readFileSync(join(dir, name)))).toBe(md5(bytes));
    const last = progress.filter((p) => p.file === trainImages && p.phase === 'download').at(-1)!;
    expect(last.bytesDone).toBe(fixture.get(trainImages)!.length);
    expect(last.bytesTotal).toBe(fixture.get(trainImages)!.length);
    expect(progress.every((p) => p.fileCount === 4)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', fileIndex: 3 });

    const train = await loadFashionMnist({ dir, env: {}, systemDir: join(tmp.dir, 'none') });
    expect(train.size).toBe(6);

    // A second run verifies what is there and downloads nothing.
    server.requests.length = 0;
    const again = await fetchDataset('fashion-mnist', { dir, baseUrl: server.baseUrl, manifest: manifestOf(fixture), ...fast });
    expect(again.downloaded).toEqual([]);
    expect(server.requests).toEqual([]);
  });

  it('resumes with a Range request after the connection is cut midway', async () => {
    server.cutNext(trainImages, 1000);
    await fetchDataset('fashion-mnist', { dir, baseUrl: server.baseUrl, manifest: manifestOf(fixture), ...fast });
    const forFile = server.requests.filter((r) => r.path.endsWith(trainImages));
    expect(forFile).toEqual([{ path: `/files/${trainImages}` }, { path: `/files/${trainImages}`, range: 'bytes=1000-' }]);
    expect(md5(readFileSync(join(dir, trainImages)))).toBe(md5(fixture.get(trainImages)!));
    expect(existsSync(join(dir, `${trainImages}.part`))).toBe(false);
  });

  it('keeps the partial file when retries run out, and resumes it on the next call', async () => {
    server.cutNext(trainImages, 700);
    const options = { dir, baseUrl: server.baseUrl, manifest: manifestOf(fixture), ...fast, retries: 0 };
    const failure = await fetchDataset('fashion-mnist', options).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DownloadError);
    expect((failure as Error).message).toMatch(/interrupted at byte 700/);
    expect(statSync(join(dir, `${trainImages}.part`)).size).toBe(700);
    expect(existsSync(join(dir, trainImages))).toBe(false);

    server.requests.length = 0;
    await fetchDataset('fashion-mnist', options);
    expect(server.requests[0]).toEqual({ path: `/files/${trainImages}`, range: 'bytes=700-' });
    expect(md5(readFileSync(join(dir, trainImages)))).toBe(md5(fixture.get(trainImages)!));
  });

  it('deletes a download whose checksum does not match and says so', async () => {
    const manifest = manifestOf(fixture);
    const wrong: DatasetManifest = {
      ...manifest,
      files: manifest.files.map((f) => (f.name === trainImages ? { ...f, md5: '0'.repeat(32) } : f)),
    };
    const attempt = fetchDataset('fashion-mnist', { dir, baseUrl: server.baseUrl, manifest: wrong, ...fast });
    await expect(attempt).rejects.toThrow(ChecksumMismatchError);
    await expect(
      fetchDataset('fashion-mnist', { dir, baseUrl: server.baseUrl, manifest: wrong, ...fast }),
    ).rejects.toThrow(`checksum mismatch for ${join(dir, trainImages)}: expected MD5 ${'0'.repeat(32)}, got ${md5(fixture.get(trainImages)!)}`);
    expect(existsSync(join(dir, trainImages))).toBe(false);
    expect(existsSync(join(dir, `${trainImages}.part`))).toBe(false);
  });

  it('fails clearly on 404 without retrying, and follows redirects', async () => {
    const missing: DatasetManifest = { ...manifestOf(fixture), files: [{ name: 'nope.gz', md5: '0'.repeat(32) }] };
    const attempt = fetchDataset('mnist', { dir, baseUrl: server.baseUrl, manifest: missing, ...fast });
    await expect(attempt).rejects.toThrow(/download of http:\/\/127\.0\.0\.1:\d+\/files\/nope\.gz failed: HTTP 404 \(not found/);
    expect(server.requests).toHaveLength(1);

    const moved = server.baseUrl.replace('/files/', '/moved/');
    await fetchDataset('mnist', { dir, baseUrl: moved, manifest: manifestOf(fixture), ...fast });
    expect(server.requests.some((r) => r.path.startsWith('/moved/'))).toBe(true);
    expect(md5(readFileSync(join(dir, trainImages)))).toBe(md5(fixture.get(trainImages)!));
  });

  it('tries the next mirror when one fails', async () => {
    const dead = server.baseUrl.replace('/files/', '/gone/');
    const manifest = { ...manifestOf(fixture), baseUrls: [dead, server.baseUrl] };
    await fetchDataset('fashion-mnist', { dir, manifest, ...fast });
    expect(server.requests.filter((r) => r.path.startsWith('/gone/'))).toHaveLength(4);
    expect(existsSync(join(dir, trainImages))).toBe(true);
  });

  it('downloads and unpacks the CIFAR-10 archive', async () => {
    const names = [...DATASET_MANIFESTS['cifar-10'].provides];
    const tar = makeTar(
      names.map((path, i) => ({ path, data: makeCifarRecords(path.endsWith('test_batch.bin') ? [9] : [i, 9 - i]) })),
    );
    const archive = gzipSync(tar);
    server.serve('cifar-10-binary.tar.gz', archive);
    const manifest: DatasetManifest = {
      ...DATASET_MANIFESTS['cifar-10'],
      files: [{ name: 'cifar-10-binary.tar.gz', md5: md5(archive) }],
    };
    server.cutNext('cifar-10-binary.tar.gz', 5000);
    const phases: string[] = [];
    const result = await fetchDataset('cifar-10', {
      dir,
      baseUrl: server.baseUrl,
      manifest,
      onProgress: (p) => phases.push(p.phase),
      ...fast,
    });
    expect(result.extracted.map((p) => p.slice(dir.length + 1)).sort()).toEqual([...names].sort());
    expect(phases).toContain('extract');
    const train = await loadCifar10({ dir, split: 'train', env: {}, systemDir: join(tmp.dir, 'none') });
    expect(train.size).toBe(10);
    expect(Array.from(train.labelArray().subarray(0, 4))).toEqual([0, 9, 1, 8]);
    const test = await loadCifar10({ dir, split: 'test', env: {}, systemDir: join(tmp.dir, 'none') });
    expect(test.size).toBe(1);

    server.requests.length = 0;
    const again = await fetchDataset('cifar-10', { dir, baseUrl: server.baseUrl, manifest, ...fast });
    expect(again.downloaded).toEqual([]);
    expect(server.requests).toEqual([]);
  });
});

describe('the checksum table', () => {
  it('holds an MD5 for every official file', () => {
    for (const manifest of Object.values(DATASET_MANIFESTS)) {
      expect(manifest.baseUrls.length).toBeGreaterThan(0);
      for (const file of manifest.files) expect(file.md5).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(DATASET_MANIFESTS['fashion-mnist'].files.map((f) => f.md5)).toContain('8d4fb7e6c68d591d4c3dfef9ec88bf0d');
  });
});
