import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConfigFile } from '../src/config/read-config-file';
import { parseSetOverrides } from '../src/config/set-overrides';
import { resolveTrainConfig } from '../src/config/resolve-train-config';
import { main } from '../src/main';
import { pluginRegistries } from '../src/plugin-modules';
import { writeJsonAtomically } from '../src/run/run-folder';
import { captureIo, tempDir } from './cli-test-io';
import { snapshotFolder } from './folder-snapshot';

const cwd = tempDir('infomax-untrusted-');

async function run(args: string[]) {
  const captured = captureIo(cwd);
  const code = await main(args, { io: captured.io });
  return { code, err: captured.err(), out: captured.out() };
}

/** `infomax train` from a config file with the given text. */
async function trainFrom(name: string, text: string) {
  writeFileSync(join(cwd, name), text);
  const result = await run(['train', '--config', name, '--data', 'synthetic', '--set', 'data.count=16', '--out', `out-${name}`, '--no-progress']);
  return { ...result, created: existsSync(join(cwd, `out-${name}`)) };
}

describe('configs are data, never code', () => {
  it('reads no YAML tag that would construct something: functions, sets, binary, dates, custom tags', async () => {
    for (const [tag, line] of [
      ['js/function', 'seed: !!js/function "function () { return 1 }"'],
      ['set', 'seed: !!set {a, b}'],
      ['binary', 'seed: !!binary aGVsbG8='],
      ['timestamp', 'seed: !!timestamp 2024-01-01'],
      ['custom', 'seed: !python/object:os.system ls'],
    ] as const) {
      const result = await trainFrom(`tag-${tag.replace('/', '-')}.yaml`, `extends: dim\n${line}\n`);
      expect(result.code, tag).toBe(2);
      expect(result.err, tag).toMatch(
        new RegExp(`^infomax: error: config file .*tag-${tag.replace('/', '-')}\\.yaml is not valid YAML: Unresolved tag: \\S+ at line 2, column 7 ` +
          '\\(configs are plain data: YAML tags such as !!set, !!binary or !!js/function are not read\\)\\n$'),
      );
      expect(result.created, tag).toBe(false);
    }
  });

  it('refuses prototype keys in files and --set, and Object.prototype stays clean', async () => {
    const json = await trainFrom('proto.json', '{"extends": "dim", "trainer": {"__proto__": {"polluted": true}}}');
    expect(json.code).toBe(2);
    expect(json.err).toBe(
      `infomax: error: config file ${join(cwd, 'proto.json')}, at trainer: the key '__proto__' is not allowed in a config (it is never a field name)\n`,
    );
    const yaml = await trainFrom('constructor.yaml', 'extends: dim\nconstructor:\n  prototype: {polluted: true}\n');
    expect(yaml.code).toBe(2);
    expect(yaml.err).toContain("the key 'constructor' is not allowed in a config");
    const set = await run(['train', '--preset', 'dim', '--data', 'synthetic', '--set', '__proto__.polluted=true', '--out', 'x']);
    expect(set.code).toBe(2);
    expect(set.err).toBe("infomax: error: --set '__proto__.polluted=true': the key '__proto__' is not allowed in a config (it is never a field name)\n");
    expect(() => parseSetOverrides(['a.constructor.prototype.polluted=1'])).toThrow("the key 'constructor' is not allowed");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stops YAML alias expansion (a "billion laughs" file) and needless depth', async () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 9; level++) laughs.push(`${'abcdefghi'[level]}: &${'abcdefghi'[level]} [${Array(10).fill(`*${'abcdefghi'[level - 1]}`).join(', ')}]`);
    const bomb = await trainFrom('laughs.yaml', `extends: dim\n${laughs.join('\n')}\n`);
    expect(bomb.code).toBe(2);
    expect(bomb.err).toContain('is not valid YAML: Excessive alias count indicates a resource exhaustion attack');
    const deep = await trainFrom('deep.json', `{"extends": "dim", "trainer": ${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(deep.code).toBe(2);
    expect(deep.err).toMatch(/at trainer\.0\.0\.0(\.0)+: nested deeper than 32 levels; a run config is a few levels deep\n$/);
  });

  it('refuses a config file too large to be one, without reading it', async () => {
    const text = `extends: dim\n# ${'x'.repeat(1024 * 1024)}\n`;
    const big = await trainFrom('big.yaml', text);
    expect(big.code).toBe(2);
    expect(big.err).toBe(
      `infomax: error: config file ${join(cwd, 'big.yaml')} holds ${Buffer.byteLength(text)} bytes; ` +
        'a run config is at most 1048576 bytes (is it the right file?)\n',
    );
  });

  it('gives a list or a scalar file a message, not a crash', async () => {
    await expect(readConfigFile(writeText('list.yaml', '- 1\n- 2\n'))).rejects.toThrow('must hold an object (a mapping of fields), not a list');
    await expect(readConfigFile(writeText('scalar.json', '42'))).rejects.toThrow('must hold an object (a mapping of fields), not number');
  });
});

function writeText(name: string, text: string): string {
  const path = join(cwd, name);
  writeFileSync(path, text);
  return path;
}

describe('paths in configs cannot write outside the run folder', () => {
  it('has no output paths: a config field naming one is an unknown field', async () => {
    const result = await trainFrom('paths.yaml', 'extends: dim\nout: /tmp/elsewhere\ntrainer:\n  checkpointDir: ../../elsewhere\n');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/\n {2}- out: unknown field; allowed: preset, seed, data, objective, viewGenerator, trainer, .*eval\n/);
    expect(result.err).toContain("  - trainer.checkpointDir: unknown field; did you mean 'checkpointEvery'?\n");
    expect(result.created).toBe(false);
  });

  it('refuses a preset field that would put the default run folder elsewhere', async () => {
    const before = existsSync(join(cwd, '..', 'escaped-20'));
    const captured = captureIo(join(cwd));
    writeFileSync(join(cwd, 'escape.json'), JSON.stringify({ extends: 'dim', preset: '../../escaped' }));
    const code = await main(['train', '--config', 'escape.json', '--data', 'synthetic', '--set', 'data.count=16', '--no-progress'], { io: captured.io });
    expect(code).toBe(2);
    expect(captured.err()).toContain(
      "  - preset: must be a plain name (letters, digits, '-' and '_'; it names the default run folder), got '../../escaped'\n",
    );
    expect(existsSync(join(cwd, '..', 'escaped-20'))).toBe(before);
    expect(existsSync(join(cwd, 'runs'))).toBe(false);
  });

  describe('symbolic links in a run folder that lead outside it', () => {
    let outside = '';
    let outsideBefore = '';
    beforeAll(async () => {
      outside = join(tempDir('infomax-outside-'), 'precious.txt');
      writeFileSync(outside, 'do not overwrite\n');
      outsideBefore = readFileSync(outside, 'utf8');
      const { config } = await resolveTrainConfig(
        { preset: 'dim', data: 'synthetic', set: ['data.count=16'], batchSize: 8, steps: 2 },
        pluginRegistries(),
        { cwd, env: {} },
      );
      for (const name of ['linked-report', 'linked-checkpoints', 'dangling']) {
        await writeJsonAtomically(join(cwd, name, 'config.json'), config);
        writeFileSync(join(cwd, name, 'environment.json'), '{"sessions":[]}\n');
      }
      symlinkSync(outside, join(cwd, 'linked-report', 'report.html'));
      symlinkSync(outside, join(cwd, 'linked-checkpoints', 'metrics.jsonl'));
      symlinkSync(join(outside, '..'), join(cwd, 'linked-checkpoints', 'checkpoints'));
      symlinkSync(join(outside, '..', 'not-yet.html'), join(cwd, 'dangling', 'report.html'));
    });

    it('report refuses to write through report.html', async () => {
      const result = await run(['report', 'linked-report']);
      expect(result.code).toBe(1);
      expect(result.err).toBe(
        `infomax: error: refusing to write ${join(cwd, 'linked-report', 'report.html')}: it is a symbolic link to ${outside}, ` +
          `outside the run folder ${join(cwd, 'linked-report')}\n` +
          'hint: a run folder holds its own files; delete the link (and check where the folder came from)\n',
      );
      expect(readFileSync(outside, 'utf8')).toBe(outsideBefore);
    });

    it('report refuses a dangling link too (writing would create its target)', async () => {
      const result = await run(['report', 'dangling']);
      expect(result.code).toBe(1);
      expect(result.err).toContain(`symbolic link to ${join(outside, '..', 'not-yet.html')}, outside the run folder`);
      expect(existsSync(join(outside, '..', 'not-yet.html'))).toBe(false);
    });

    it('train --resume refuses linked metrics.jsonl and checkpoints/ before writing anything', async () => {
      const before = snapshotFolder(join(cwd, 'linked-checkpoints'));
      const result = await run(['train', '--resume', 'linked-checkpoints', '--backend', 'wasm', '--no-progress']);
      expect(result.code).toBe(1);
      expect(result.err).toContain(`infomax: error: refusing to write ${join(cwd, 'linked-checkpoints', 'metrics.jsonl')}: it is a symbolic link to ${outside}`);
      expect(readFileSync(outside, 'utf8')).toBe(outsideBefore);
      expect(snapshotFolder(join(cwd, 'linked-checkpoints'))).toEqual(before);
    });
  });
});

describe('crafted run files are read as data', () => {
  it('report leaves out an eval.json that is not an evaluation record, so no markup reaches the page', async () => {
    const dir = join(cwd, 'crafted-eval');
    mkdirSync(dir);
    writeFileSync(join(dir, 'metrics.jsonl'), '{"step":1,"loss":2}\n');
    writeFileSync(
      join(dir, 'eval.json'),
      JSON.stringify({ rows: [{ name: 'x', dim: '<script>alert(1)</script>' }], objective: 'x', checkpoint: {}, data: {} }),
    );
    writeFileSync(join(dir, 'environment.json'), JSON.stringify({ sessions: [{ command: '<img src=x onerror=alert(1)>' }, 7] }));
    const result = await run(['report', 'crafted-eval']);
    expect(result.code).toBe(0);
    expect(result.err).toBe("infomax report: eval.json is not an evaluation record (createdAt: Invalid input: expected string, received undefined); the report leaves it out\n");
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
  });

  it('a crafted config.json in a run folder gets the config file checks', async () => {
    const dir = join(cwd, 'crafted-config');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), '{"seed": 1, "__proto__": {"objective": {"name": "amdim"}}}');
    const before = snapshotFolder(dir);
    const result = await run(['eval', 'crafted-config']);
    expect(result.code).toBe(2);
    expect(result.err).toBe(`infomax: error: ${join(dir, 'config.json')}: the key '__proto__' is not allowed in a config (it is never a field name)\n`);
    expect(snapshotFolder(dir)).toEqual(before);
  });
});
