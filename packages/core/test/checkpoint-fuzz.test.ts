// Seeded mutation fuzz of checkpoint files: a valid checkpoint's manifest (as JSON values and as
// bytes, re-signed or not) and its data file are mutated, then loaded and restored into a model.
// Every outcome must be a success or a CheckpointError: never another exception, never a hang.
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, CheckpointError, restoreCheckpoint, Rng, sizeOfShape, useBackend, type TrainingCheckpoint } from '@infomax/core';
import { FileCheckpointStore } from '@infomax/core/node';
import { handMadeCheckpoint } from './checkpoint-test-data';

const ITERATIONS = 1000;
const SEED = 'checkpoint-fuzz/1';

const quiet = { warn: () => undefined };
let scratch: string;
let dir: string;
let originalManifest: string;
let originalData: Buffer;
let dataFile: string;
let variables: Map<string, tf.Variable>;
let adam: Adam;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Values that probe limits: sizes, signs, types, paths, prototype keys. */
const NASTY: Json[] = [
  -1, 0, 1, 3, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e10, 1e308, -1e308, 0.5, -0, '', 'x', 'float64', 'bool', '../../x',
  'step-000004.0000000000000000.bin', '__proto__', null, true, false, [], {}, [1e9, 1e9], [-1], [0], [[1]], { length: 1 },
];

function sign(manifest: { [key: string]: Json }): string {
  const { manifestSha256: _old, ...body } = manifest;
  return JSON.stringify({ ...body, manifestSha256: createHash('sha256').update(JSON.stringify(body)).digest('hex') }, null, 2);
}

/** Every path into a JSON value, the root excluded. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => [[...prefix, key], ...pathsOf((value as Record<string | number, Json>)[key]!, [...prefix, key])]);
}

function parentOf(root: Json, at: (string | number)[]): Record<string | number, Json> {
  return at.slice(0, -1).reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, root) as Record<string | number, Json>;
}

/** One structural edit of the manifest; returns what it did, for the failure message. */
function mutateJson(manifest: { [key: string]: Json }, rng: Rng): string {
  // A top-level field first, then a path inside it: small fields (rng, step, binary) are hit
  // as often as the big tensor index.
  const fields = Object.keys(manifest);
  const field = fields[rng.int(0, fields.length - 1)]!;
  const paths = [[field], ...pathsOf(manifest[field]!, [field])];
  const at = paths[rng.int(0, paths.length - 1)]!;
  const parent = parentOf(manifest, at);
  const key = at.at(-1)!;
  const action = rng.int(0, 9);
  if (action === 0 && !Array.isArray(parent)) {
    delete parent[key];
    return `delete ${at.join('.')}`;
  }
  if (action === 1) {
    const extra = NASTY[rng.int(0, NASTY.length - 1)]!;
    const name = ['__proto__', 'constructor', 'toString', 'variables/extra', 'optimizers/main/m/dense/kernel'][rng.int(0, 4)]!;
    const target = parent[key];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
      Object.defineProperty(target, name, { value: structuredClone(extra), enumerable: true, writable: true, configurable: true });
      return `add ${at.join('.')}.${name} = ${JSON.stringify(extra)}`;
    }
  }
  if (action === 3) {
    // Rename a tensor: the files stay consistent, the model no longer fits.
    const tensors = manifest.tensors as Record<string, Json>;
    const names = Object.keys(tensors);
    const from = names[rng.int(0, names.length - 1)]!;
    const to = ['variables/extra', 'variables/dense/bias', 'optimizers/main/m/mask', 'optimizers/other/v/dense/kernel'][rng.int(0, 3)]!;
    if (from !== to) {
      tensors[to] = tensors[from]!;
      delete tensors[from];
      return `rename tensor ${from} to ${to}`;
    }
  }
  if (action === 2 && typeof parent[key] === 'number') {
    const value = (parent[key] as number) + rng.int(-3, 3);
    parent[key] = value;
    return `nudge ${at.join('.')} to ${value}`;
  }
  const value = structuredClone(NASTY[rng.int(0, NASTY.length - 1)]!);
  parent[key] = value;
  return `set ${at.join('.')} = ${JSON.stringify(value)}`;
}

function mutateBytes(bytes: Buffer, rng: Rng): { bytes: Buffer; what: string } {
  const at = rng.int(0, Math.max(0, bytes.length - 1));
  switch (rng.int(0, 4)) {
    case 0: {
      const copy = Buffer.from(bytes);
      copy[at] = copy[at]! ^ (1 << rng.int(0, 7));
      return { bytes: copy, what: `flip a bit of byte ${at}` };
    }
    case 1:
      return { bytes: bytes.subarray(0, at), what: `truncate to ${at} bytes` };
    case 2:
      return { bytes: Buffer.concat([bytes, Buffer.alloc(rng.int(1, 64), rng.int(0, 255))]), what: 'append bytes' };
    case 3:
      return { bytes: Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + rng.int(1, 16))]), what: `cut bytes at ${at}` };
    default:
      return { bytes: Buffer.alloc(0), what: 'empty the file' };
  }
}

/** Loads, checks the result's own consistency, restores it into the model. */
async function loadAndRestore(store: FileCheckpointStore): Promise<TrainingCheckpoint> {
  const loaded = await store.load('step-000004');
  for (const [name, host] of loaded.tensors) {
    if (host.values.length !== sizeOfShape(host.shape)) throw new Error(`${name}: ${host.values.length} values for shape [${host.shape}]`);
  }
  restoreCheckpoint(loaded, { variables, optimizers: new Map([['main', adam]]) });
  Rng.fromState(loaded.rng);
  return loaded;
}

beforeAll(async () => {
  await useBackend('cpu');
  scratch = await fsp.mkdtemp(path.join(tmpdir(), 'infomax-fuzz-'));
  dir = path.join(scratch, 'checkpoints');
  const store = new FileCheckpointStore(dir, { logger: quiet });
  await store.save(handMadeCheckpoint(4));
  originalManifest = await fsp.readFile(path.join(dir, 'step-000004.json'), 'utf8');
  dataFile = path.join(dir, (JSON.parse(originalManifest) as { binary: { file: string } }).binary.file);
  originalData = await fsp.readFile(dataFile);
  variables = new Map([
    ['dense/kernel', tf.variable(tf.zeros([6, 4]))],
    ['dense/bias', tf.variable(tf.zeros([4]))],
    ['counter', tf.variable(tf.zeros([2], 'int32'), false)],
    ['mask', tf.variable(tf.zeros([3], 'bool'), false)],
  ]);
  adam = new Adam(
    [...variables].filter(([p]) => p.startsWith('dense/')),
    { learningRate: 1e-3 },
  );
});

afterAll(async () => {
  adam.dispose();
  for (const v of variables.values()) v.dispose();
  await fsp.rm(scratch, { recursive: true, force: true });
});

describe(`checkpoint files under ${ITERATIONS} seeded mutations (seed '${SEED}')`, () => {
  it('every mutation loads and restores, or fails with a CheckpointError', async () => {
    // The unmutated files restore: the fuzz starts from something that works.
    await loadAndRestore(new FileCheckpointStore(dir, { logger: quiet }));

    const rng = new Rng(SEED);
    const outcomes = new Map<string, number>();
    const count = (kind: string) => outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
    for (let i = 0; i < ITERATIONS; i++) {
      const steps: string[] = [];
      let manifestText = originalManifest;
      let data = originalData;
      const kind = rng.int(0, 3);
      if (kind === 0 || kind === 3) {
        const manifest = JSON.parse(originalManifest) as { [key: string]: Json };
        for (let edits = rng.bernoulli(0.7) ? 1 : rng.int(2, 3); edits > 0; edits--) steps.push(mutateJson(manifest, rng));
        // Mostly re-signed, so mutations get past the checksum to the checks behind it.
        const resign = rng.bernoulli(0.85);
        manifestText = resign ? sign(manifest) : JSON.stringify(manifest);
        steps.push(resign ? 're-signed' : 'not re-signed');
      }
      if (kind === 1) {
        const mutated = mutateBytes(Buffer.from(originalManifest), rng);
        manifestText = mutated.bytes.toString('latin1');
        steps.push(`manifest: ${mutated.what}`);
      }
      if (kind === 2 || kind === 3) {
        const mutated = mutateBytes(originalData, rng);
        data = mutated.bytes;
        steps.push(`data: ${mutated.what}`);
      }
      await fsp.writeFile(path.join(dir, 'step-000004.json'), manifestText, 'latin1');
      await fsp.writeFile(dataFile, data);

      const store = new FileCheckpointStore(dir, { logger: quiet });
      try {
        await loadAndRestore(store);
        count('loaded');
      } catch (error) {
        if (!(error instanceof CheckpointError)) {
          throw new Error(`iteration ${i} (${steps.join('; ')}): ${String(error)}`, { cause: error });
        }
        // The kind of refusal: the message up to its first detail.
        count(error.message.replace(/^checkpoint step-000004 /, '').replace(/^\S+ is not/, 'is not').split(/ version|[:(']/)[0]!.trim());
      }
      if (i % 10 !== 0) continue;
      const latest = await store.loadLatest().then(
        () => 'ok',
        (error: unknown) => (error instanceof CheckpointError ? 'refused' : `threw ${String(error)}`),
      );
      if (latest !== 'ok' && latest !== 'refused') throw new Error(`iteration ${i} (${steps.join('; ')}): loadLatest ${latest}`);
    }

    // The fuzz reached past the checksums: many kinds of refusal, and some harmless edits load.
    const kinds = [...outcomes.keys()].filter((k) => k !== 'loaded');
    expect(outcomes.get('loaded')).toBeGreaterThanOrEqual(3);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'is corrupt',
        'has an invalid manifest',
        'is truncated',
        'does not fit this model',
        'has format',
        'is not an infomax checkpoint manifest',
      ]),
    );
    expect(({} as Record<string, unknown>).length).toBeUndefined();
  }, 60_000);
});
