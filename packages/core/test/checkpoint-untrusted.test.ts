// Checkpoints from elsewhere are data: a JSON manifest and a binary file, parsed and checked,
// never evaluated. Every size a manifest claims is checked against the file before anything is
// allocated, so a crafted manifest gets a CheckpointError, not a 10 GB allocation.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '@infomax/core';
import { FileCheckpointStore } from '@infomax/core/node';
import { handMadeCheckpoint } from './checkpoint-test-data';

const quiet = { warn: () => undefined };
const ADVICE = 'it may have been written during a crash — delete it or resume from an earlier one';
let scratch: string;
let dir: string;
let manifestFile: string;
let original: string;
let store: FileCheckpointStore;

type Manifest = Record<string, any>;

/** Sign again after editing, as a crafted file would be: the checksum is not a signature. */
function signed(manifest: Manifest): string {
  const { manifestSha256: _old, ...body } = manifest;
  return JSON.stringify({ ...body, manifestSha256: createHash('sha256').update(JSON.stringify(body)).digest('hex') });
}

async function craft(edit: (m: Manifest) => void): Promise<void> {
  const manifest = JSON.parse(original) as Manifest;
  edit(manifest);
  await fsp.writeFile(manifestFile, signed(manifest));
}

/** Loads and returns the error, checking that loading allocated no large buffer on the way. */
async function loadError(): Promise<CheckpointError> {
  const before = process.memoryUsage().arrayBuffers;
  const error = await store.load('step-000004').catch((e: unknown) => e);
  expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
  expect(error).toBeInstanceOf(CheckpointError);
  return error as CheckpointError;
}

beforeAll(async () => {
  scratch = await fsp.mkdtemp(path.join(tmpdir(), 'infomax-untrusted-'));
  dir = path.join(scratch, 'checkpoints');
  store = new FileCheckpointStore(dir, { logger: quiet });
  await store.save(handMadeCheckpoint(4));
  manifestFile = path.join(dir, 'step-000004.json');
  original = await fsp.readFile(manifestFile, 'utf8');
});

afterAll(async () => {
  await fsp.rm(scratch, { recursive: true, force: true });
});

describe('a crafted checkpoint manifest', () => {
  it('claiming a 10 GB data file: refused on the size check, before reading', async () => {
    await craft((m) => {
      m.binary.bytes = 1e10;
      m.tensors['variables/dense/kernel'].shape = [50_000, 50_000];
      m.tensors['variables/dense/kernel'].length = 1e10;
    });
    expect((await loadError()).message).toMatch(new RegExp(`^checkpoint step-000004 is truncated: expected 10000000000 bytes, found \\d+; ${ADVICE}$`));
  });

  it('claiming a 10 GB tensor inside a small data file: refused by the index check', async () => {
    await craft((m) => {
      m.tensors['variables/dense/kernel'].shape = [50_000, 50_000];
      m.tensors['variables/dense/kernel'].length = 1e10;
    });
    const bytes = (JSON.parse(original) as Manifest).binary.bytes as number;
    expect((await loadError()).message).toBe(
      `checkpoint step-000004 is corrupt: tensor 'variables/dense/kernel' at bytes 0..10000000000 does not follow the ` +
        `previous tensor (ending at 0) inside the ${bytes}-byte data file; ${ADVICE}`,
    );
  });

  it('with a negative dimension', async () => {
    await craft((m) => (m.tensors['variables/dense/bias'].shape = [-4]));
    expect((await loadError()).message).toBe(
      'checkpoint step-000004 has an invalid manifest: tensors.variables/dense/bias.shape.0: Too small: expected number to be >=0',
    );
  });

  it('with dimensions beyond any tensor: too big to be an integer, or a product too big to allocate', async () => {
    await craft((m) => (m.tensors['variables/dense/bias'].shape = [1e300]));
    expect((await loadError()).message).toBe(
      'checkpoint step-000004 has an invalid manifest: tensors.variables/dense/bias.shape.0: Too big: expected int to be <=9007199254740991',
    );
    await craft((m) => (m.tensors['variables/dense/bias'].shape = [2 ** 40, 2 ** 40]));
    expect((await loadError()).message).toBe(
      `checkpoint step-000004 is corrupt: tensor 'variables/dense/bias' has shape [1099511627776, 1099511627776], ` +
        `more elements than any tensor can hold; ${ADVICE}`,
    );
  });

  it('with an unknown dtype', async () => {
    await craft((m) => (m.tensors['variables/counter'].dtype = 'float64'));
    expect((await loadError()).message).toBe(
      'checkpoint step-000004 has an invalid manifest: tensors.variables/counter.dtype: Invalid option: expected one of "float32"|"int32"|"bool"',
    );
  });

  it('with a byte length that does not match the shape', async () => {
    await craft((m) => (m.tensors['variables/dense/kernel'].shape = [6, 5]));
    expect((await loadError()).message).toBe(
      `checkpoint step-000004 is corrupt: tensor 'variables/dense/kernel' (float32 [6, 5]) needs 120 bytes but the index says 96; ${ADVICE}`,
    );
  });

  it('pointing its data file outside the checkpoint directory', async () => {
    for (const file of ['../../../etc/passwd', '/etc/passwd', 'step-000004.json', 'step-000004.0123456789abcdef.bin/../x']) {
      await craft((m) => (m.binary.file = file));
      expect((await loadError()).message).toBe(
        'checkpoint step-000004 has an invalid manifest: binary.file: must be a data file name of the form step-NNNNNN.<16 hex digits>.bin',
      );
    }
  });

  it.skipIf(process.platform === 'win32')('pointing its data file at a FIFO (which would block a read forever)', async () => {
    const fifo = 'step-000004.0123456789abcdef.bin';
    execFileSync('mkfifo', [path.join(dir, fifo)]);
    try {
      await craft((m) => (m.binary.file = fifo));
      expect((await loadError()).message).toBe(`checkpoint step-000004 is corrupt: its data file ${fifo} is not a regular file`);
    } finally {
      await fsp.rm(path.join(dir, fifo));
    }
  });

  it('nested too deeply for the checksum to walk', async () => {
    const depth = 100_000;
    const manifest = JSON.parse(original) as Manifest;
    const text = JSON.stringify(manifest).replace('"config":{', `"config":{"deep":${'['.repeat(depth)}${']'.repeat(depth)},`);
    await fsp.writeFile(manifestFile, text);
    expect((await loadError()).message).toBe(`checkpoint step-000004 is corrupt: its manifest is nested too deeply to be one of ours; ${ADVICE}`);
  });

  it('with a random state that is not four uint32 words', async () => {
    await craft((m) => (m.rng.s = [2 ** 32, 0, 0, 1]));
    expect((await loadError()).message).toBe(
      'checkpoint step-000004 has an invalid manifest: rng.s.0: Too big: expected number to be <=4294967295',
    );
  });

  it('with a __proto__ key: parsed as data, Object.prototype untouched', async () => {
    const manifest = JSON.parse(original) as Manifest;
    const text = signed(manifest).replace('"config":{', '"config":{"__proto__":{"polluted":true},');
    // Re-sign over the text as written (the key must survive into the checksummed body).
    const parsed = JSON.parse(text) as Manifest;
    await fsp.writeFile(manifestFile, signed(parsed));
    expect(await fsp.readFile(manifestFile, 'utf8')).toContain('"config":{"__proto__":{"polluted":true},');
    const loaded = await store.load('step-000004');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(loaded.step).toBe(4);
  });

  it('the unmodified manifest still loads (the crafting above is what fails, not the fixture)', async () => {
    await fsp.writeFile(manifestFile, original);
    expect((await store.load('step-000004')).tensors.get('variables/dense/kernel')).toEqual(
      handMadeCheckpoint(4).tensors.get('variables/dense/kernel'),
    );
  });
});
