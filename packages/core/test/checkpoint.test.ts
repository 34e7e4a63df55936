import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CheckpointError,
  MemoryCheckpointStore,
  Rng,
  Trainer,
  useBackend,
  type TrainingCheckpoint,
} from '@infomax/core';
import { FileCheckpointStore, type CheckpointFileSystem } from '@infomax/core/node';
import { maxAbsDifference, NoisyTwoViews, SyntheticVectors, TinyInfoNce, variableValues } from './trainer-fixtures';

const quiet = { warn: () => undefined };
let scratch: string;
let dirCounter = 0;
let snapshot: TrainingCheckpoint;

function freshDir(): string {
  return path.join(scratch, `c${dirCounter++}`);
}

function makeTrainer(objective: TinyInfoNce): Trainer {
  return new Trainer({
    objective,
    data: new SyntheticVectors(24),
    views: new NoisyTwoViews(),
    rng: 3,
    config: { batchSize: 8, steps: 10, optimizers: { main: { learningRate: 0.05 } } },
    logger: quiet,
  });
}

function atStep(step: number): TrainingCheckpoint {
  return { ...snapshot, step };
}

async function binFile(dir: string, name: string): Promise<string> {
  const file = (await fsp.readdir(dir)).find((f) => f.startsWith(`${name}.`) && f.endsWith('.bin'));
  if (!file) throw new Error(`no data file for ${name}`);
  return path.join(dir, file);
}

/** Rewrites a manifest and signs it again, as a careless tool (or an attacker) would. */
async function editManifest(file: string, edit: (m: Record<string, any>) => void): Promise<void> {
  const manifest = JSON.parse(await fsp.readFile(file, 'utf8')) as Record<string, any>;
  edit(manifest);
  const { manifestSha256: _old, ...body } = manifest;
  const signed = { ...body, manifestSha256: createHash('sha256').update(JSON.stringify(body)).digest('hex') };
  await fsp.writeFile(file, JSON.stringify(signed, null, 2));
}

beforeAll(async () => {
  await useBackend('cpu');
  scratch = await fsp.mkdtemp(path.join(tmpdir(), 'infomax-checkpoint-'));
  const objective = new TinyInfoNce(new Rng(1), { probe: true });
  const trainer = makeTrainer(objective);
  await trainer.run({ untilStep: 2 });
  snapshot = await trainer.snapshot();
  trainer.dispose();
  objective.dispose();
});

afterAll(async () => {
  await fsp.rm(scratch, { recursive: true, force: true });
});

describe('FileCheckpointStore', () => {
  it('round-trips every tensor and scalar, with a manifest and one binary file', async () => {
    const dir = freshDir();
    const store = new FileCheckpointStore(dir);
    expect(await store.save(snapshot)).toEqual({ name: 'step-000002', step: 2 });
    const files = (await fsp.readdir(dir)).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^step-000002\.[0-9a-f]{16}\.bin$/);
    expect(files[1]).toBe('step-000002.json');
    const manifest = JSON.parse(await fsp.readFile(path.join(dir, 'step-000002.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'infomax-checkpoint', formatVersion: 1, step: 2, epoch: 0, position: 2 });
    expect(manifest.tensors['variables/encoder/kernel']).toEqual({ dtype: 'float32', shape: [6, 4], offset: 0, length: 96 });
    expect(manifest.tensors['optimizers/probe/v/probe/bias']).toMatchObject({ shape: [3] });

    const loaded = await store.load('step-000002');
    expect(loaded.rng).toEqual(snapshot.rng);
    expect(loaded.optimizers).toEqual({ main: { step: 2 }, probe: { step: 2 } });
    expect([...loaded.tensors.keys()]).toEqual([...snapshot.tensors.keys()]);
    for (const [name, host] of snapshot.tensors) expect(loaded.tensors.get(name)).toEqual(host);
  });

  it('keeps the last K checkpoints and deletes the data files of older ones', async () => {
    const dir = freshDir();
    const store = new FileCheckpointStore(dir, { keepLast: 2 });
    for (const step of [2, 4, 6, 8]) await store.save(atStep(step));
    expect((await store.list()).map((c) => c.name)).toEqual(['step-000006', 'step-000008']);
    expect((await fsp.readdir(dir)).filter((f) => f.endsWith('.bin'))).toHaveLength(2);
  });

  it('reports a truncated data file with sizes and what to do', async () => {
    const dir = freshDir();
    const store = new FileCheckpointStore(dir);
    await store.save(atStep(120));
    const bin = await binFile(dir, 'step-000120');
    const full = (await fsp.stat(bin)).size;
    await fsp.truncate(bin, 100);
    const error = await store.load('step-000120').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toBe(
      `checkpoint step-000120 is truncated: expected ${full} bytes, found 100; it may have been written during a ` +
        `crash — delete it or resume from an earlier one`,
    );
  });

  it('detects a flipped byte by the SHA-256 of the data file', async () => {
    const dir = freshDir();
    const store = new FileCheckpointStore(dir);
    await store.save(atStep(4));
    const bin = await binFile(dir, 'step-000004');
    const bytes = await fsp.readFile(bin);
    bytes[37] = bytes[37]! ^ 0xff;
    await fsp.writeFile(bin, bytes);
    await expect(store.load('step-000004')).rejects.toThrow(/checkpoint step-000004 is corrupt: the SHA-256 of step-000004\.[0-9a-f]+\.bin is [0-9a-f]{64}, the manifest expects/);
  });

  it('detects an edited manifest by its own checksum', async () => {
    const dir = freshDir();
    const store = new FileCheckpointStore(dir);
    await store.save(atStep(4));
    const file = path.join(dir, 'step-000004.json');
    await fsp.writeFile(file, (await fsp.readFile(file, 'utf8')).replace('"epoch": 0', '"epoch": 1'));
    await expect(store.load('step-000004')).rejects.toThrow(/manifest does not match its own SHA-256/);
    await fsp.writeFile(file, '{"format": "infomax-checkpoint", "formatVers');
    await expect(store.load('step-000004')).rejects.toThrow(/its manifest is not valid JSON/);
  });

  it('checks header sizes against the file before allocating', async () => {
    const dir = freshDir();
    const store = new FileCheckpointStore(dir);
    await store.save(atStep(4));
    const file = path.join(dir, 'step-000004.json');
    const original = await fsp.readFile(file, 'utf8');
    // A petabyte claim must fail on the size check, not on an allocation.
    await editManifest(file, (m) => (m.binary.bytes = 1e15));
    await expect(store.load('step-000004')).rejects.toThrow(/is truncated: expected 1000000000000000 bytes, found \d+/);
    await fsp.writeFile(file, original);
    await editManifest(file, (m) => (m.tensors['variables/encoder/kernel'].shape = [600000000, 4]));
    await expect(store.load('step-000004')).rejects.toThrow(
      /tensor 'variables\/encoder\/kernel' \(float32 \[600000000, 4\]\) needs 9600000000 bytes but the index says 96/,
    );
    await fsp.writeFile(file, original);
    await editManifest(file, (m) => (m.formatVersion = 2));
    await expect(store.load('step-000004')).rejects.toThrow(/format version 2; this infomax reads version 1 \(it was written by a newer infomax/);
  });

  it('loadLatest skips a damaged newest checkpoint with a warning and uses the previous one', async () => {
    const dir = freshDir();
    const warnings: string[] = [];
    const store = new FileCheckpointStore(dir, { logger: { warn: (m) => void warnings.push(m) } });
    await store.save(atStep(4));
    await store.save(atStep(8));
    await fsp.truncate(await binFile(dir, 'step-000008'), 10);
    const latest = await store.loadLatest();
    expect(latest?.step).toBe(4);
    expect(warnings).toEqual([expect.stringMatching(/checkpoint step-000008 is truncated.*Skipping it and trying step-000004/)]);

    await fsp.truncate(await binFile(dir, 'step-000004'), 10);
    await expect(store.loadLatest()).rejects.toThrow(/no readable checkpoint in .*; all 2 are damaged/);
    expect(await new FileCheckpointStore(freshDir()).loadLatest()).toBeNull();
  });

  it('leaves the previous checkpoint intact when a write fails midway', async () => {
    const dir = freshDir();
    await new FileCheckpointStore(dir).save(atStep(4));
    const before = await fsp.readdir(dir);

    // A file system whose writes fail after half of the bytes (disk full, killed process...).
    const failing = (match: RegExp): CheckpointFileSystem => ({
      ...fsp,
      open: (async (file: string, flags?: string) => {
        const handle = await fsp.open(file, flags);
        if (flags !== 'w' || !match.test(path.basename(file))) return handle;
        return new Proxy(handle, {
          get(target, key) {
            if (key === 'write') {
              return async (buffer: Uint8Array, offset = 0, length = buffer.byteLength - offset) => {
                await target.write(buffer, offset, Math.floor(length / 2));
                throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
              };
            }
            const value = Reflect.get(target, key);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      }) as typeof fsp.open,
    });

    await expect(new FileCheckpointStore(dir, { fileSystem: failing(/\.bin\./) }).save(atStep(8))).rejects.toThrow(/ENOSPC/);
    // Re-saving the same step, failing on the manifest: the old manifest must still win.
    await expect(new FileCheckpointStore(dir, { fileSystem: failing(/\.json\./) }).save({ ...atStep(4), epoch: 9 })).rejects.toThrow(/ENOSPC/);

    const store = new FileCheckpointStore(dir);
    expect((await store.list()).map((c) => c.name)).toEqual(['step-000004']);
    const loaded = await store.load('step-000004');
    expect(loaded.epoch).toBe(0);
    expect(loaded.tensors.get('variables/encoder/kernel')).toEqual(snapshot.tensors.get('variables/encoder/kernel'));
    // No temporary or half-written files are left behind.
    expect((await fsp.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await store.save(atStep(6));
    expect((await fsp.readdir(dir)).filter((f) => !before.includes(f)).sort()).toEqual([
      expect.stringMatching(/^step-000006\.[0-9a-f]+\.bin$/),
      'step-000006.json',
    ]);
  });
});

describe('restoring a checkpoint into a model', () => {
  it('names the first mismatching variable and both shapes, and changes nothing', async () => {
    const wider = new TinyInfoNce(new Rng(2), { units: 5, probe: true });
    const trainer = makeTrainer(wider);
    const before = await variableValues(wider);
    expect(() => trainer.restore(snapshot)).toThrow(CheckpointError);
    expect(() => trainer.restore(snapshot)).toThrow(
      "checkpoint step-000002 does not fit this model: variable 'encoder/kernel' has shape [6, 4] in the checkpoint " +
        'but [6, 5] in the model. It was written for a different architecture or config.',
    );
    expect(maxAbsDifference(before, await variableValues(wider))).toBe(0);
    expect(trainer.step).toBe(0);
    trainer.dispose();
    wider.dispose();
  });

  it('names variables missing from the checkpoint and variables the model lacks', async () => {
    const withoutProbe = new TinyInfoNce(new Rng(2));
    const trainer = makeTrainer(withoutProbe);
    expect(() => trainer.restore(snapshot)).toThrow(/has variables the model lacks: 'probe\/kernel', 'probe\/bias'/);
    const reduced = await trainer.snapshot();
    const withProbe = new TinyInfoNce(new Rng(2), { probe: true });
    const other = makeTrainer(withProbe);
    expect(() => other.restore(reduced)).toThrow(/it has no variable 'probe\/kernel' \(the model expects shape \[4, 3\]\)/);
    for (const t of [trainer, other]) t.dispose();
    for (const o of [withoutProbe, withProbe]) o.dispose();
  });

  it('restores from a MemoryCheckpointStore, which keeps its own copies', async () => {
    const store = new MemoryCheckpointStore({ keepLast: 2 });
    for (const step of [2, 4, 6]) await store.save(atStep(step));
    expect((await store.list()).map((c) => c.name)).toEqual(['step-000004', 'step-000006']);
    await expect(store.load('step-000002')).rejects.toThrow(/checkpoint step-000002 not found; stored: step-000004, step-000006/);
    const loaded = (await store.loadLatest())!;
    (loaded.tensors.get('variables/encoder/bias')!.values as Float32Array)[0] = 1234;
    expect((await store.load('step-000006')).tensors.get('variables/encoder/bias')!.values[0]).not.toBe(1234);

    const objective = new TinyInfoNce(new Rng(50), { probe: true });
    const trainer = makeTrainer(objective);
    expect(await trainer.resume(store)).toBe(true);
    expect(trainer.step).toBe(6);
    const kernel = snapshot.tensors.get('variables/encoder/kernel')!;
    expect(Array.from(await objective.encoder.kernel.data())).toEqual(Array.from(kernel.values));
    trainer.dispose();
    objective.dispose();
  });
});
