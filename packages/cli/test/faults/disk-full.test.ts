// FAULT TEST (real processes, Linux only): a disk that fills up while a checkpoint is written.
// A private tmpfs in a user + mount namespace is the disk; where namespaces are not allowed
// (some containers, macOS, Windows) the test is skipped. The injected ENOSPC of the store's
// file-system layer is tested everywhere in packages/core/test/checkpoint-faults.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FileCheckpointStore } from '@infomax/core/node';
import { tempDir, TINY_AMDIM } from '../cli-test-io';
import { cliCommand, cliEnvironment } from './child-cli';

const SCENARIO = fileURLToPath(new URL('../fixtures/disk-full-scenario.mjs', import.meta.url));

function namespacesWork(): boolean {
  if (process.platform !== 'linux') return false;
  const probe = tempDir('infomax-mount-probe-');
  const result = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], {
    encoding: 'utf8',
  });
  return result.status === 0;
}

interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe.skipIf(!namespacesWork())('a full disk during a checkpoint write (real tmpfs)', () => {
  it('fails with a clear error and exit 1, keeps the previous checkpoint, and resumes once there is space', async () => {
    const cwd = tempDir('infomax-disk-full-');
    const mount = join(cwd, 'disk');
    const out = join(cwd, 'out');
    mkdirSync(mount);
    mkdirSync(out);
    const plan = {
      mount,
      out,
      train: cliCommand(['train', ...TINY_AMDIM, '--set', 'trainer.checkpointEvery=2', '--steps', '4', '--out', 'run', '--no-progress']),
      resume: cliCommand(['train', '--resume', 'run', '--steps', '8', '--backend', 'wasm', '--no-progress']),
    };
    const scenario = spawnSync(
      'unshare',
      ['--user', '--map-root-user', '--mount', process.execPath, SCENARIO, JSON.stringify(plan)],
      { env: cliEnvironment(), encoding: 'utf8', timeout: 240_000 },
    );
    expect(scenario.stderr).toBe('');
    expect(scenario.status).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as Record<string, CommandResult> & {
      freeBytesBeforeResume: number;
      dataFileBytes: number;
    };
    expect(result.train!.code, result.train!.stderr).toBe(0);
    expect(result.freeBytesBeforeResume).toBeLessThan(result.dataFileBytes);

    // The disk filled up during step 6's checkpoint: one clear line, exit code 1.
    expect(result.full!.stdout).toContain('| resuming at step 4 of 8 in run');
    expect(result.full!.stderr).toContain(
      `infomax: error: could not write checkpoint step-000006 in ${join(mount, 'run', 'checkpoints')}: the disk is full ` +
        '(ENOSPC). The newest complete checkpoint, step-000004, is intact. Free some disk space (or move the run to a ' +
        'larger disk), then resume.\n',
    );
    expect(result.full!.stderr).not.toContain('--debug');
    expect(result.full!.code).toBe(1);
    const afterFull = new FileCheckpointStore(join(out, 'after-full', 'checkpoints'));
    expect((await afterFull.list()).map((c) => c.name)).toEqual(['step-000002', 'step-000004']);
    expect((await afterFull.loadLatest())?.step).toBe(4);

    // With space again, the run resumes from step 4 and finishes.
    expect(result.resumed!.code, result.resumed!.stderr).toBe(0);
    expect(result.resumed!.stdout).toContain('| resuming at step 4 of 8 in run');
    const afterResume = new FileCheckpointStore(join(out, 'after-resume', 'checkpoints'));
    expect((await afterResume.list()).map((c) => c.name)).toEqual(['step-000004', 'step-000006', 'step-000008']);
    const steps = readFileSync(join(out, 'after-resume', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { step: number }).step);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  }, 300_000);
});
