import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from './cli-test-io';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));

describe('the infomax executable', () => {
  it('exits 2 with one readable line (no stack) on a bad config', () => {
    // The only test through a real process: the exit code must reach the shell.
    const result = spawnSync(
      process.execPath,
      [`${root}node_modules/tsx/dist/cli.mjs`, '--tsconfig', `${root}tsconfig.json`, bin, 'train', '--preset', 'amdim', '--data', 'synthetic', '--set', 'data.count=8', '--set', 'objective.options.bound.name=jsdd'],
      { cwd: tempDir(), encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'infomax: error: invalid run config (preset amdim + --set):\n' +
        "  - objective.options.bound.name: unknown bound 'jsdd'; registered: dv, infonce, jsd, nwj\n" +
        'hint: fix the field named above (in the --config file, or the --set that sets it); docs/cli.md describes the run config\n',
    );
    expect(result.status).toBe(2);
  }, 60_000);
});
