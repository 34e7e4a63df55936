// Faults while a checkpoint is written: a crash at each stage of a save, a full disk, and a
// metrics file torn by a crash. The kill -9 test of whole training runs is in
// packages/cli/test/faults/kill-and-resume.test.ts.
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CheckpointError, type TrainingCheckpoint } from '@infomax/core';
import {
  CHECKPOINT_WRITE_POINTS,
  FileCheckpointStore,
  JsonlMetricsFile,
  pauseObserverFromEnvironment,
  type CheckpointFileSystem,
  type CheckpointWritePoint,
} from '@infomax/core/node';
import { handMadeCheckpoint } from './checkpoint-test-data';

const quiet = { warn: () => undefined };
let scratch: string;
let counter = 0;

function freshDir(): string {
  return path.join(scratch, `d${counter++}`);
}

beforeAll(async () => {
  scratch = await fsp.mkdtemp(path.join(tmpdir(), 'infomax-checkpoint-faults-'));
});

afterAll(async () => {
  await fsp.rm(scratch, { recursive: true, force: true });
});

function expectSameCheckpoint(actual: TrainingCheckpoint, expected: TrainingCheckpoint): void {
  expect(actual.step).toBe(expected.step);
  expect(actual.rng).toEqual(expected.rng);
  expect([...actual.tensors.keys()]).toEqual([...expected.tensors.keys()]);
  for (const [name, host] of expected.tensors) expect(actual.tensors.get(name)).toEqual(host);
}

async function filesIn(dir: string): Promise<string[]> {
  return (await fsp.readdir(dir)).sort();
}

/** A file system whose writes to files matching `match` stop halfway with `code`. */
function failingWrites(match: RegExp, code: string, message: string): CheckpointFileSystem {
  return {
    ...fsp,
    open: (async (file: string, flags?: string) => {
      const handle = await fsp.open(file, flags);
      if (flags !== 'w' || !match.test(path.basename(file))) return handle;
      return new Proxy(handle, {
        get(target, key) {
          if (key === 'write') {
            return async (buffer: Uint8Array, offset = 0, length = buffer.byteLength - offset) => {
              await target.write(buffer, offset, Math.floor(length / 2));
              throw Object.assign(new Error(message), { code });
            };
          }
          const value = Reflect.get(target, key);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    }) as typeof fsp.open,
  };
}

describe('a crash at each stage of a save', () => {
  // What the directory holds when the process dies at each point, and what a resume loads.
  const expected: Record<CheckpointWritePoint, { files: RegExp[]; latest: number; listed: number[] }> = {
    'data-partial': {
      files: [/^\.step-000008\.[0-9a-f]{16}\.bin\.\d+\.\w+\.tmp$/, ...checkpointFiles([2, 4, 6])],
      latest: 6,
      listed: [2, 4, 6],
    },
    'data-committed': { files: checkpointFiles([2, 4, 6, 8], { withoutManifest: [8] }), latest: 6, listed: [2, 4, 6] },
    'manifest-written': {
      files: [/^\.step-000008\.json\.\d+\.\w+\.tmp$/, ...checkpointFiles([2, 4, 6, 8], { withoutManifest: [8] })],
      latest: 6,
      listed: [2, 4, 6],
    },
    'manifest-committed': { files: checkpointFiles([2, 4, 6, 8]), latest: 8, listed: [2, 4, 6, 8] },
    pruning: { files: checkpointFiles([2, 4, 6, 8], { withoutManifest: [2] }), latest: 8, listed: [4, 6, 8] },
  };

  it.each(CHECKPOINT_WRITE_POINTS)('at %s: the newest complete checkpoint loads, and the next save cleans up', async (point) => {
    const dir = freshDir();
    const crashed = `${dir}-as-crashed`;
    const store = new FileCheckpointStore(dir, { logger: quiet });
    for (const step of [2, 4, 6]) await store.save(handMadeCheckpoint(step));

    // The copy taken at the write point is exactly what a process killed there leaves behind.
    const seen: string[] = [];
    const observed = new FileCheckpointStore(dir, {
      logger: quiet,
      onWritePoint: async (at, name) => {
        seen.push(`${name}:${at}`);
        if (at === point) await fsp.cp(dir, crashed, { recursive: true });
      },
    });
    await observed.save(handMadeCheckpoint(8));
    expect(seen).toEqual(CHECKPOINT_WRITE_POINTS.map((p) => `step-000008:${p}`));

    const files = await filesIn(crashed);
    expect(files).toHaveLength(expected[point].files.length);
    for (const pattern of expected[point].files) expect(files.filter((f) => pattern.test(f))).toHaveLength(1);

    const warnings: string[] = [];
    const resumed = new FileCheckpointStore(crashed, { logger: { warn: (m) => void warnings.push(m) } });
    expect((await resumed.list()).map((c) => c.step)).toEqual(expected[point].listed);
    expectSameCheckpoint((await resumed.loadLatest())!, handMadeCheckpoint(expected[point].latest));
    expect(warnings).toEqual([]);

    // The resumed run writes step 8 again; leftovers of the crashed write are removed.
    await resumed.save(handMadeCheckpoint(8));
    expect((await resumed.list()).map((c) => c.step)).toEqual([4, 6, 8]);
    const after = await filesIn(crashed);
    expect(after.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(after).toHaveLength(6);
    expectSameCheckpoint(await resumed.load('step-000008'), handMadeCheckpoint(8));
  });

  it('re-saving the same step leaves the old checkpoint loadable until the new manifest is renamed over it', async () => {
    const dir = freshDir();
    const crashed = `${dir}-as-crashed`;
    await new FileCheckpointStore(dir, { logger: quiet }).save(handMadeCheckpoint(4, 1));
    const observed = new FileCheckpointStore(dir, {
      logger: quiet,
      onWritePoint: async (at) => {
        if (at === 'manifest-written') await fsp.cp(dir, crashed, { recursive: true });
      },
    });
    await observed.save(handMadeCheckpoint(4, 2));
    expectSameCheckpoint((await new FileCheckpointStore(crashed).loadLatest())!, handMadeCheckpoint(4, 1));
    expectSameCheckpoint((await new FileCheckpointStore(dir).loadLatest())!, handMadeCheckpoint(4, 2));
  });
});

function checkpointFiles(steps: number[], { withoutManifest = [] as number[] } = {}): RegExp[] {
  return steps.flatMap((step) => {
    const name = `step-${String(step).padStart(6, '0')}`;
    const bin = new RegExp(`^${name}\\.[0-9a-f]{16}\\.bin$`);
    return withoutManifest.includes(step) ? [bin] : [bin, new RegExp(`^${name}\\.json$`)];
  });
}

describe('a failing disk while saving', () => {
  it('disk full while writing the data: a CheckpointError says so, and the previous checkpoint is intact', async () => {
    const dir = freshDir();
    await new FileCheckpointStore(dir, { logger: quiet }).save(handMadeCheckpoint(4));
    const before = await filesIn(dir);
    const full = new FileCheckpointStore(dir, {
      logger: quiet,
      fileSystem: failingWrites(/\.bin\./, 'ENOSPC', 'ENOSPC: no space left on device, write'),
    });
    const error = await full.save(handMadeCheckpoint(8)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).checkpoint).toBe('step-000008');
    expect((error as Error).message).toBe(
      `could not write checkpoint step-000008 in ${dir}: the disk is full (ENOSPC). The newest complete checkpoint, ` +
        'step-000004, is intact. Free some disk space (or move the run to a larger disk), then resume.',
    );
    expect(await filesIn(dir)).toEqual(before);
    expectSameCheckpoint((await new FileCheckpointStore(dir).loadLatest())!, handMadeCheckpoint(4));
  });

  it('disk full while writing the manifest: the data file is removed again and the previous checkpoint loads', async () => {
    const dir = freshDir();
    await new FileCheckpointStore(dir, { logger: quiet }).save(handMadeCheckpoint(4));
    const full = new FileCheckpointStore(dir, {
      logger: quiet,
      fileSystem: failingWrites(/\.json\./, 'ENOSPC', 'ENOSPC: no space left on device, write'),
    });
    await expect(full.save(handMadeCheckpoint(8))).rejects.toThrow('the disk is full (ENOSPC). The newest complete checkpoint, step-000004, is intact.');
    const store = new FileCheckpointStore(dir, { logger: quiet });
    expect((await store.list()).map((c) => c.name)).toEqual(['step-000004']);
    expectSameCheckpoint((await store.loadLatest())!, handMadeCheckpoint(4));
    // The orphaned data file of step 8 goes at the next successful save.
    await store.save(handMadeCheckpoint(6));
    expect((await filesIn(dir)).filter((f) => f.startsWith('step-000008'))).toEqual([]);
  });

  it('names the cause for other system errors, and says when no earlier checkpoint exists', async () => {
    const denied = new FileCheckpointStore(freshDir(), {
      logger: quiet,
      fileSystem: failingWrites(/\.bin\./, 'EACCES', "EACCES: permission denied, open '/x'"),
    });
    await expect(denied.save(handMadeCheckpoint(2))).rejects.toThrow(
      /: permission denied \(EACCES\)\. No earlier checkpoint exists\. Make the checkpoint directory writable by this user, then resume\.$/,
    );
    const odd = new FileCheckpointStore(freshDir(), {
      logger: quiet,
      fileSystem: failingWrites(/\.bin\./, 'ESTALE', 'ESTALE: stale file handle, write'),
    });
    await expect(odd.save(handMadeCheckpoint(2))).rejects.toThrow(
      /: ESTALE: stale file handle, write\. No earlier checkpoint exists\. Fix the cause above, then resume\.$/,
    );
  });

  it('passes errors that are not system errors through unchanged (a bug is not a full disk)', async () => {
    const store = new FileCheckpointStore(freshDir(), {
      logger: quiet,
      onWritePoint: (at) => {
        if (at === 'data-committed') throw new TypeError('observer failed');
      },
    });
    await expect(store.save(handMadeCheckpoint(2))).rejects.toThrow(new TypeError('observer failed'));
  });
});

describe(`the ${'INFOMAX_TEST_CHECKPOINT_PAUSE'} hook`, () => {
  it('pauses at the named checkpoint and point only, announcing it on stderr', async () => {
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      const observer = pauseObserverFromEnvironment({ INFOMAX_TEST_CHECKPOINT_PAUSE: 'step-000006:manifest-written:0' })!;
      const store = new FileCheckpointStore(freshDir(), { logger: quiet, onWritePoint: observer });
      for (const step of [4, 6]) await store.save(handMadeCheckpoint(step));
      expect(writes).toEqual(['infomax-test: checkpoint step-000006 paused at manifest-written\n']);
    } finally {
      spy.mockRestore();
    }
    expect(pauseObserverFromEnvironment({})).toBeUndefined();
  });

  it('rejects a malformed value instead of silently injecting nothing', () => {
    expect(() => pauseObserverFromEnvironment({ INFOMAX_TEST_CHECKPOINT_PAUSE: 'step-6:data-commited' })).toThrow(
      "INFOMAX_TEST_CHECKPOINT_PAUSE='step-6:data-commited' is not <checkpoint or *>:<point>[:<ms>] with point one of " +
        'data-partial, data-committed, manifest-written, manifest-committed, pruning; unset it outside fault-injection tests',
    );
    expect(() => pauseObserverFromEnvironment({ INFOMAX_TEST_CHECKPOINT_PAUSE: '*:pruning:-5' })).toThrow(/is not <checkpoint or \*>/);
  });
});

describe('metrics.jsonl after a crash in the middle of an append', () => {
  it('drops the torn last line on read and on resume, so the next record starts on its own line', async () => {
    const file = path.join(freshDir(), 'metrics.jsonl');
    const metrics = new JsonlMetricsFile(file);
    for (const step of [1, 2, 3]) await metrics.write({ step, epoch: 0, lr: 1, loss: step, images_per_s: 1, time: step });
    await fsp.appendFile(file, '{"step":4,"epoch":0,"lr":1,"lo');
    expect((await metrics.read()).map((r) => r.step)).toEqual([1, 2, 3]);

    await metrics.truncateAfter(3);
    await metrics.write({ step: 4, epoch: 0, lr: 1, loss: 4, images_per_s: 1, time: 4 });
    expect((await fsp.readFile(file, 'utf8')).split('\n').map((l) => l.slice(0, 9))).toEqual([
      '{"step":1',
      '{"step":2',
      '{"step":3',
      '{"step":4',
      '',
    ]);
  });

  it('names a damaged line in the middle of the file', async () => {
    const file = path.join(freshDir(), 'metrics.jsonl');
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.writeFile(file, '{"step":1}\n\n{"step":2,\n{"step":3}\n');
    await expect(new JsonlMetricsFile(file).read()).rejects.toThrow(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, line 3 is not JSON \\(.*\\); fix or delete that line$`),
    );
  });
});

describe('removeLeftovers', () => {
  it('cleans up after a crash without a save (a resumed run with nothing left to train)', async () => {
    const dir = freshDir();
    const store = new FileCheckpointStore(dir, { logger: quiet, keepLast: 2 });
    for (const step of [2, 4]) await store.save(handMadeCheckpoint(step));
    const kept = await filesIn(dir);
    // What a kill leaves: an orphaned data file, a temporary file, a checkpoint not yet pruned.
    await fsp.writeFile(path.join(dir, 'step-000006.0123456789abcdef.bin'), 'partial');
    await fsp.writeFile(path.join(dir, '.step-000006.json.123.tmp'), 'partial');
    const older = await filesIn(dir);
    await fsp.copyFile(path.join(dir, 'step-000002.json'), path.join(dir, 'step-000000.json'));
    expect((await filesIn(dir)).length).toBe(older.length + 1);
    await store.removeLeftovers();
    expect(await filesIn(dir)).toEqual(kept);
    expectSameCheckpoint((await store.loadLatest())!, handMadeCheckpoint(4));
  });
});
