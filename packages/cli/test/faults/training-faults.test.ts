// Training faults through the CLI, in-process: a non-finite loss under both nanPolicy settings,
// a checkpoint from another architecture, a damaged newest checkpoint at resume.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main';
import { captureIo, tempDir, TINY_AMDIM } from '../cli-test-io';

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
const metrics = (run: string) =>
  readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, number | null>);
const manifests = (run: string) => readdirSync(join(run, 'checkpoints')).filter((f) => f.endsWith('.json')).sort();

/** Adam with a learning rate of 1e30 and no warm-up: step 0 is finite, every later loss NaN. */
const EXPLODING = [
  '--set', 'trainer.optimizers.main.learningRate=1e30',
  '--set', 'trainer.optimizers.main.warmupSteps=0',
  '--set', 'trainer.checkpointEvery=1',
];

describe('the NaN guard, through the CLI', () => {
  it("nanPolicy 'stop' (the default): exits 1 naming the step, and the last good checkpoint is the newest", async () => {
    const cwd = tempDir();
    const io = captureIo(cwd);
    const code = await main(['train', ...TINY_AMDIM, ...EXPLODING, '--steps', '5', '--out', 'run', '--no-progress'], { io: io.io });
    expect(io.err()).toContain(
      'infomax: error: Training stopped at step 2: loss is NaN. The update of this step was not applied and the last ' +
        'good checkpoint (step-000001) is intact. Try a lower learning rate (or a longer warm-up), enable gradient ' +
        "clipping (clipNorm), check the input data for NaN, or set nanPolicy: 'skip' to skip such steps.\n",
    );
    expect(io.err()).not.toContain('--debug');
    expect(code).toBe(1);
    expect(manifests(join(cwd, 'run'))).toEqual(['step-000001.json']);
    expect(metrics(join(cwd, 'run')).map((r) => r.step)).toEqual([1]);
  }, 60_000);

  it("nanPolicy 'skip': warns with each bad step, counts them in metrics.jsonl, finishes and exits 0", async () => {
    const cwd = tempDir();
    const io = captureIo(cwd);
    const code = await main(
      ['train', ...TINY_AMDIM, ...EXPLODING, '--set', 'trainer.nanPolicy=skip', '--steps', '4', '--out', 'run', '--no-progress'],
      { io: io.io },
    );
    expect(code).toBe(0);
    const warnings = io.err().split('\n').filter((line) => line.startsWith('infomax: warning: step'));
    expect(warnings).toEqual([2, 3, 4].map((step) => `infomax: warning: step ${step}: loss is NaN; skipping this update (nanPolicy 'skip')`));
    const records = metrics(join(cwd, 'run'));
    expect(records.map((r) => [r.step, r.skipped_steps])).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
    ]);
    // JSON has no NaN: the bad losses are written as null.
    expect(records.map((r) => r.loss === null)).toEqual([false, true, true, true]);
    expect(manifests(join(cwd, 'run'))).toEqual(['step-000002.json', 'step-000003.json', 'step-000004.json']);
  }, 60_000);
});

describe('resuming from a checkpoint that does not fit', () => {
  it('a checkpoint from another architecture: exits 1 naming the first mismatching variable and both shapes', async () => {
    const cwd = tempDir();
    const first = captureIo(cwd);
    expect(await main(['train', ...TINY_AMDIM, '--steps', '1', '--out', 'run', '--no-progress'], { io: first.io })).toBe(0);
    // The run's config now describes a wider encoder than the one its checkpoint holds.
    const config = readJson(join(cwd, 'run', 'config.json'));
    config.objective.options.encoder.options.ndf = 8;
    writeFileSync(join(cwd, 'run', 'config.json'), JSON.stringify(config));

    const resumed = captureIo(cwd);
    expect(await main(['train', '--resume', 'run', '--steps', '2', '--backend', 'wasm', '--no-progress'], { io: resumed.io })).toBe(1);
    expect(resumed.err()).toMatch(
      /^infomax: error: checkpoint step-000001 does not fit this model: variable '[\w/]+' has shape \[[\d, ]+\] in the checkpoint but \[[\d, ]+\] in the model\. It was written for a different architecture or config\.\nhint: /m,
    );
    const [, variable, saved, built] = /variable '([\w/]+)' has shape \[([\d, ]+)\] in the checkpoint but \[([\d, ]+)\] in the model/.exec(resumed.err())!;
    expect(variable).toMatch(/^encoder\//);
    expect(saved).not.toBe(built);
    // Nothing was trained or overwritten.
    expect(manifests(join(cwd, 'run'))).toEqual(['step-000001.json']);
  }, 60_000);

  it('a damaged newest checkpoint: warns, resumes from the one before, and trains the lost steps again', async () => {
    const cwd = tempDir();
    const first = captureIo(cwd);
    expect(
      await main(['train', ...TINY_AMDIM, '--set', 'trainer.checkpointEvery=2', '--steps', '4', '--out', 'run', '--no-progress'], { io: first.io }),
    ).toBe(0);
    const dir = join(cwd, 'run', 'checkpoints');
    const bin = readdirSync(dir).find((f) => f.startsWith('step-000004.') && f.endsWith('.bin'))!;
    const bytes = readFileSync(join(dir, bin));
    bytes[100] = bytes[100]! ^ 0x01;
    writeFileSync(join(dir, bin), bytes);

    const resumed = captureIo(cwd);
    expect(await main(['train', '--resume', 'run', '--steps', '6', '--backend', 'wasm', '--no-progress'], { io: resumed.io })).toBe(0);
    expect(resumed.err()).toMatch(
      /infomax: warning: checkpoint step-000004 is corrupt: the SHA-256 of step-000004\.[0-9a-f]{16}\.bin is [0-9a-f]{64}, the manifest expects [0-9a-f]{64}; it may have been written during a crash — delete it or resume from an earlier one\. Skipping it and trying step-000002\.\n/,
    );
    expect(resumed.out()).toContain('| resuming at step 2 of 6 in run');
    expect(metrics(join(cwd, 'run')).map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(manifests(join(cwd, 'run'))).toEqual(['step-000002.json', 'step-000004.json', 'step-000006.json']);
  }, 60_000);
});
