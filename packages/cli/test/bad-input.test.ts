import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CIFAR10_FILES, idxFileNames } from '@infomax/data/node';
import { encodeIdx } from '@infomax/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveTrainConfig } from '../src/config/resolve-train-config';
import { main } from '../src/main';
import { pluginRegistries } from '../src/plugin-modules';
import { writeJsonAtomically } from '../src/run/run-folder';
import { captureIo, tempDir, TINY_AMDIM } from './cli-test-io';
import { snapshotFolder } from './folder-snapshot';
import { solidPng } from './png-fixture';

/**
 * Every kind of bad input `infomax train` can meet: each gets one error naming the problem and
 * the fix, a non-zero exit code, no stack trace, no new run folder, and no change at all to
 * the run folder that was already there.
 */
const cwd = tempDir('infomax-bad-input-');
let existingBefore: Record<string, string> = {};
let caseNumber = 0;

/** A Fashion-MNIST-shaped folder of `labels.length` 28x28 images. */
function writeFashionMnist(dir: string, labels: readonly number[], images?: Uint8Array): string {
  mkdirSync(dir, { recursive: true });
  const names = idxFileNames('train');
  writeFileSync(join(dir, names.images), images ?? encodeIdx(new Uint8Array(labels.length * 784).fill(90), [labels.length, 28, 28]));
  writeFileSync(join(dir, names.labels), encodeIdx(Uint8Array.from(labels), [labels.length]));
  return join(dir, names.images);
}

const SIXTEEN_LABELS = Array.from({ length: 16 }, (_, i) => i % 10);

function cifarRecords(labels: readonly number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, r) => (out[r * 3073] = label));
  return out;
}

function writeCifar10(dir: string, firstBatch: Uint8Array): string {
  const folder = join(dir, 'cifar-10-batches-bin');
  mkdirSync(folder, { recursive: true });
  for (const file of CIFAR10_FILES.train) writeFileSync(join(folder, file), cifarRecords([1, 2]));
  writeFileSync(join(folder, CIFAR10_FILES.train[0]), firstBatch);
  return join(folder, CIFAR10_FILES.train[0]);
}

/** Runs `infomax train` into a fresh --out folder. */
async function train(args: string[]) {
  const out = `fresh-${caseNumber++}`;
  const captured = captureIo(cwd);
  const code = await main(['train', ...args, '--out', out, '--backend', 'wasm', '--no-progress'], { io: captured.io });
  return { code, err: captured.err(), out: captured.out(), created: existsSync(join(cwd, out)) };
}

function expectNothingWritten(result: { created: boolean; err: string }): void {
  expect(result.created).toBe(false);
  expect(result.err).not.toMatch(/\n\s+at /);
  expect(snapshotFolder(join(cwd, 'existing'))).toEqual(existingBefore);
}

beforeAll(async () => {
  // A real run folder beside the failing commands; none of them may touch it.
  const { config } = await resolveTrainConfig(
    { preset: 'dim', data: 'synthetic', set: ['data.count=16'], batchSize: 8, steps: 2 },
    pluginRegistries(),
    { cwd, env: {} },
  );
  await writeJsonAtomically(join(cwd, 'existing', 'config.json'), config);
  writeFileSync(join(cwd, 'existing', 'metrics.jsonl'), '{"step":1,"loss":1.5}\n');
  writeFileSync(join(cwd, 'existing', 'environment.json'), '{"sessions":[]}\n');
  mkdirSync(join(cwd, 'existing', 'checkpoints'));
  writeFileSync(join(cwd, 'existing', 'checkpoints', 'step-000001.json'), '{}');
  existingBefore = snapshotFolder(join(cwd, 'existing'));
});

describe('bad input to infomax train: a clear error each, exit code non-zero, nothing saved touched', () => {
  it('an unknown preset', async () => {
    const result = await train(['--preset', 'amdmi', '--data', 'synthetic']);
    expect(result.code).toBe(2);
    expect(result.err).toBe("infomax: error: unknown preset 'amdmi'; available: amdim, cpc, dim\n");
    expectNothingWritten(result);
  });

  it('an unknown plugin', async () => {
    const result = await train(['--preset', 'dim', '--data', 'synthetic', '--set', 'data.count=16', '--set', 'objective.options.encoder.name=resnet']);
    expect(result.code).toBe(2);
    expect(result.err).toContain("  - objective.options.encoder.name: unknown encoder 'resnet'; registered: ");
    expect(result.err).toContain('hint: fix the field named above');
    expectNothingWritten(result);
  });

  it('a config field of the wrong type (config file)', async () => {
    writeFileSync(join(cwd, 'wrong-type.yaml'), 'extends: dim\ndata: {name: synthetic-shapes, count: 16}\ntrainer:\n  batchSize: "8"\n');
    const result = await train(['--config', 'wrong-type.yaml']);
    expect(result.code).toBe(2);
    expect(result.err).toContain("  - trainer.batchSize: expected number, got string '8'\n");
    expectNothingWritten(result);
  });

  it('config fields out of range (flags, --set and the data section)', async () => {
    const result = await train([
      '--preset', 'dim', '--data', 'synthetic',
      '--set', 'data.imageSize=4096', '--set', 'data.count=0',
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('  - data.count: must be > 0, got 0\n');
    expect(result.err).toContain('  - data.imageSize: must be <= 1024, got 4096\n');
    expectNothingWritten(result);
    const lr = await train(['--preset', 'dim', '--data', 'synthetic', '--set', 'data.count=16', '--set', 'trainer.optimizers.main.learningRate=-1']);
    expect(lr.code).toBe(2);
    expect(lr.err).toContain('  - trainer.optimizers.main.learningRate: must be > 0, got -1\n');
    expectNothingWritten(lr);
  });

  it('images of the wrong size for the preset\'s encoder', async () => {
    const result = await train(['--preset', 'amdim', '--data', 'synthetic', '--set', 'data.imageSize=40', '--set', 'data.padTo=40', '--set', 'data.count=16']);
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      'infomax: error: the amdim preset trains the 32x32 AMDIM encoder, but the data gives 40x40 images\n' +
        'hint: set data.padTo: 32 (smaller images) or data.size: 32 (image folders) with --set\n',
    );
    expectNothingWritten(result);
  });

  it('images of the wrong size and channel count for an encoder configured by hand', async () => {
    const result = await train([
      '--preset', 'dim', '--data', 'synthetic', '--set', 'data.count=16', '--batch-size', '8',
      '--set', 'objective.options.inputShape=[28,28,1]',
      '--set', 'objective.options.encoder.options.inputSize=28',
      '--set', 'objective.options.encoder.options.inChannels=1',
    ]);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      'infomax: error: DimConvEncoder (inputSize 28, inChannels 1) expects input [B, 28, 28, 1], got [2, 32, 32, 3]: ' +
        'its images are 32x32, not 28x28 — build the encoder with inputSize 32 if that is your image size (28 and 32 are supported), ' +
        'or resize the images; it has 3 channels, not 1 — build the encoder with inChannels: 3 or convert the images to 1 channel.\n' +
        "hint: check that the objective's inputShape and the encoder's inChannels match the data (see the startup line)\n",
    );
    expectNothingWritten(result);
  });

  it('a batch size larger than the data set', async () => {
    const result = await train(['--preset', 'dim', '--data', 'synthetic', '--set', 'data.count=16', '--batch-size', '32']);
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      'infomax: error: trainer.batchSize 32 is larger than the data set: synthetic-shapes/train holds 16 examples\n' +
        'hint: lower --batch-size to at most 16, or use more data (data.count, data.limit)\n',
    );
    expectNothingWritten(result);
  });

  it('an empty IDX file', async () => {
    const images = writeFashionMnist(join(cwd, 'idx-empty'), SIXTEEN_LABELS, new Uint8Array(0));
    const result = await train(['--preset', 'dim', '--data', 'fashion-mnist', '--set', 'data.dir=idx-empty']);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `infomax: error: IDX: empty input (0 bytes); expected an IDX header in ${images}\n` +
        'hint: the file is damaged or not what its name says; fetch it again\n',
    );
    expectNothingWritten(result);
  });

  it('a truncated IDX file (gzip-compressed)', async () => {
    const dir = join(cwd, 'idx-cut');
    mkdirSync(dir);
    const names = idxFileNames('train');
    const images = join(dir, `${names.images}.gz`);
    writeFileSync(images, gzipSync(encodeIdx(new Uint8Array(16 * 784), [16, 28, 28]).subarray(0, 5000)));
    writeFileSync(join(dir, names.labels), encodeIdx(Uint8Array.from(SIXTEEN_LABELS), [16]));
    const result = await train(['--preset', 'dim', '--data', 'fashion-mnist', '--set', 'data.dir=idx-cut']);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `infomax: error: IDX: truncated data: header [16, 28, 28] uint8 needs 12560 bytes, found 5000 in ${images}\n` +
        'hint: the file is damaged or not what its name says; fetch it again\n',
    );
    expectNothingWritten(result);
  });

  it('a file with the wrong magic number', async () => {
    const png = solidPng(2, 2, [0, 0, 0]);
    const images = writeFashionMnist(join(cwd, 'idx-png'), SIXTEEN_LABELS, png);
    const result = await train(['--preset', 'dim', '--data', 'fashion-mnist', '--set', 'data.dir=idx-png']);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`infomax: error: IDX: wrong magic number 89 50 4e 47: an IDX file starts with 00 00 <dtype> <ndim> in ${images}\n`);
    expectNothingWritten(result);
  });

  it('an empty and a truncated CIFAR batch', async () => {
    const empty = writeCifar10(join(cwd, 'cifar-empty'), new Uint8Array(0));
    const first = await train(['--preset', 'amdim', '--data', 'cifar-10', '--set', 'data.dir=cifar-empty']);
    expect(first.code).toBe(1);
    expect(first.err).toBe(`infomax: error: CIFAR: empty input in ${empty}\nhint: the file is damaged or not what its name says; fetch it again\n`);
    expectNothingWritten(first);
    const cut = writeCifar10(join(cwd, 'cifar-cut'), cifarRecords([1, 2, 3]).subarray(0, 7000));
    const second = await train(['--preset', 'amdim', '--data', 'cifar-10', '--set', 'data.dir=cifar-cut']);
    expect(second.code).toBe(1);
    expect(second.err).toContain(`infomax: error: CIFAR: 7000 bytes in ${cut} is not a multiple of the cifar-10 record size 3073`);
    expectNothingWritten(second);
  });

  it('labels out of range (IDX and CIFAR)', async () => {
    writeFashionMnist(join(cwd, 'idx-labels'), [...SIXTEEN_LABELS.slice(0, 15), 12]);
    const idx = await train(['--preset', 'dim', '--data', 'fashion-mnist', '--set', 'data.dir=idx-labels']);
    expect(idx.code).toBe(1);
    expect(idx.err).toBe('infomax: error: fashion-mnist/train: label 12 of example 15 is outside 0..9 (numClasses 10)\n');
    expectNothingWritten(idx);
    const batch = writeCifar10(join(cwd, 'cifar-labels'), cifarRecords([3, 10]));
    const cifar = await train(['--preset', 'amdim', '--data', 'cifar-10', '--set', 'data.dir=cifar-labels']);
    expect(cifar.code).toBe(1);
    expect(cifar.err).toContain(`infomax: error: CIFAR: record 1 in ${batch} has label 10, outside 0..9 for cifar-10\n`);
    expectNothingWritten(cifar);
  });

  it('NaN or infinite values in the config (YAML .nan, --set 1e999)', async () => {
    writeFileSync(join(cwd, 'nan.yaml'), 'extends: dim\ntrainer:\n  optimizers:\n    main: {learningRate: .nan}\n');
    const nan = await train(['--config', 'nan.yaml', '--data', 'synthetic']);
    expect(nan.code).toBe(2);
    expect(nan.err).toBe(
      `infomax: error: config file ${join(cwd, 'nan.yaml')}, at trainer.optimizers.main.learningRate: NaN is not a finite number; config numbers must be finite\n`,
    );
    expectNothingWritten(nan);
    const inf = await train(['--preset', 'dim', '--data', 'synthetic', '--set', 'trainer.clipNorm=1e999']);
    expect(inf.code).toBe(2);
    expect(inf.err).toBe("infomax: error: --set 'trainer.clipNorm=1e999': Infinity is not a finite number; config numbers must be finite\n");
    expectNothingWritten(inf);
  });

  it('a resumed run whose data files were damaged since: the run folder is left as it was', async () => {
    const dir = join(cwd, 'idx-later');
    const images = writeFashionMnist(dir, SIXTEEN_LABELS);
    const { config } = await resolveTrainConfig(
      { preset: 'dim', data: 'fashion-mnist', set: [`data.dir=${dir}`], batchSize: 8, steps: 2 },
      pluginRegistries(),
      { cwd, env: {} },
    );
    await writeJsonAtomically(join(cwd, 'resumable', 'config.json'), config);
    writeFileSync(join(cwd, 'resumable', 'metrics.jsonl'), '{"step":1,"loss":1.5}\n');
    const before = snapshotFolder(join(cwd, 'resumable'));
    writeFileSync(images, readFileSync(images).subarray(0, 100));
    const captured = captureIo(cwd);
    const code = await main(['train', '--resume', 'resumable', '--backend', 'wasm', '--no-progress'], { io: captured.io });
    expect(code).toBe(1);
    expect(captured.err()).toContain(`infomax: error: IDX: truncated data: header [16, 28, 28] uint8 needs 12560 bytes, found 100 in ${images}\n`);
    expect(snapshotFolder(join(cwd, 'resumable'))).toEqual(before);
  });
});

describe('a corrupt image in a folder', () => {
  let folder = '';
  beforeAll(() => {
    folder = join(cwd, 'pets');
    for (const [name, colour] of [['cats', [32, 32, 32]], ['dogs', [224, 224, 224]]] as const) {
      mkdirSync(join(folder, name), { recursive: true });
      for (let i = 0; i < 4; i++) writeFileSync(join(folder, name, `${i}.png`), solidPng(32, 32, colour));
    }
    writeFileSync(join(folder, 'cats', 'broken.png'), Buffer.from('not a png at all'));
  });

  it('is skipped with a warning by default, and training goes on without it', async () => {
    const captured = captureIo(cwd);
    // The last --data and --batch-size win over TINY_AMDIM's.
    const args = [...TINY_AMDIM, '--data', 'pets', '--batch-size', '4', '--steps', '1', '--out', 'pets-run', '--no-progress'];
    const code = await main(['train', ...args], { io: captured.io });
    expect(code).toBe(0);
    expect(captured.err()).toContain(`infomax: warning: folder:pets: skipping cannot decode image ${join(folder, 'cats', 'broken.png')}: `);
    expect(captured.out()).toContain('data folder:pets, 8 x 32x32x3, 2 classes');
    expect(snapshotFolder(join(cwd, 'existing'))).toEqual(existingBefore);
  });

  it('is an error with data.onCorrupt: error', async () => {
    const result = await train(['--preset', 'amdim', '--data', 'pets', '--set', 'data.onCorrupt=error']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(new RegExp(`^infomax: error: cannot decode image ${join(folder, 'cats', 'broken.png')}: .+\\n$`));
    expectNothingWritten(result);
  });
});
