import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main';
import { captureIo, tempDir } from './cli-test-io';

/** Runs `infomax train` on a few synthetic images with extra flags; validation fails before any training. */
async function trainWith(args: string[]) {
  const cwd = tempDir();
  const captured = captureIo(cwd);
  const code = await main(['train', '--data', 'synthetic', '--set', 'data.count=16', '--out', 'run', ...args], { io: captured.io });
  return { code, err: captured.err(), out: captured.out(), runExists: existsSync(join(cwd, 'run')) };
}

describe('infomax train: config errors name the field and what is allowed, exit 2, no stack', () => {
  it('rejects an unknown preset, listing the presets', async () => {
    const result = await trainWith(['--preset', 'amdmi']);
    expect(result.code).toBe(2);
    expect(result.err).toBe("infomax: error: unknown preset 'amdmi'; available: amdim, cpc, dim\n");
    expect(result.runExists).toBe(false);
  });

  it('rejects an unknown plugin inside the objective, listing the registered ones', async () => {
    const result = await trainWith(['--preset', 'amdim', '--set', 'objective.options.bound.name=jsdd']);
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      'infomax: error: invalid run config (preset amdim + --set):\n' +
        "  - objective.options.bound.name: unknown bound 'jsdd'; registered: dv, infonce, jsd, nwj\n",
    );
    expect(result.err).toContain('hint: fix the field named above');
    expect(result.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.runExists).toBe(false);
  });

  it('rejects a value of the wrong type', async () => {
    const result = await trainWith(['--preset', 'amdim', '--set', 'trainer.logEvery=ten']);
    expect(result.code).toBe(2);
    expect(result.err).toContain("  - trainer.logEvery: expected number, got string 'ten'\n");
  });

  it('rejects an out-of-range value, at any depth', async () => {
    const result = await trainWith([
      '--preset', 'amdim',
      '--set', 'trainer.optimizers.main.beta1=1.5',
      '--set', 'objective.options.bound.options.clip=-1',
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('  - trainer.optimizers.main.beta1: must be < 1, got 1.5\n');
    expect(result.err).toContain('  - objective.options.bound.options.clip: must be > 0, got -1\n');
  });

  it('rejects unknown fields that a lenient schema would silently drop, suggesting the intended one', async () => {
    const result = await trainWith(['--preset', 'amdim', '--set', 'trainer.batchsize=8', '--set', 'viewGenerator.options.grayscal=0']);
    expect(result.code).toBe(2);
    expect(result.err).toContain("  - trainer.batchsize: unknown field; did you mean 'batchSize'?\n");
    expect(result.err).toContain("  - viewGenerator.options.grayscal: unknown field; did you mean 'grayscale'?\n");
  });

  it('lists the allowed values of an enum (a config file extending a preset)', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'run.yaml'), 'extends: amdim\ndata:\n  name: imagenet\n');
    const captured = captureIo(cwd);
    const code = await main(['train', '--config', 'run.yaml'], { io: captured.io });
    expect(code).toBe(2);
    expect(captured.err()).toContain(
      "  - data.name: expected one of 'fashion-mnist', 'mnist', 'cifar-10', 'cifar-100', 'image-folder', " +
        "'synthetic-shapes', 'synthetic-sequences', got 'imagenet'\n",
    );
  });

  it('rejects bad flags before doing anything', async () => {
    const steps = await trainWith(['--preset', 'amdim', '--steps', 'many']);
    expect(steps.code).toBe(2);
    expect(steps.err).toContain("option '--steps <n>' argument 'many' is invalid. expected a positive integer, got 'many'.");
    const both = await trainWith(['--preset', 'amdim', '--steps', '3', '--epochs', '1']);
    expect(both.code).toBe(2);
    expect(both.err).toContain("option '--steps <n>' cannot be used with option '--epochs <n>'");
    const none = await trainWith([]);
    expect(none.code).toBe(2);
    expect(none.err).toBe('infomax: error: train needs --preset <name> or --config <file>\nhint: e.g. infomax train --preset amdim --steps 200\n');
  });

  it('refuses --resume combined with flags that would change the run', async () => {
    const result = await trainWith(['--resume', 'somewhere', '--preset', 'amdim']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--resume continues a run with its own config.json, so it cannot be combined with --preset, --data, --out, --set');
  });

  it('exits 1 with a download hint when a named data set is missing', async () => {
    const cwd = tempDir();
    const captured = captureIo(cwd);
    const code = await main(['train', '--preset', 'amdim', '--data', 'cifar-10', '--out', 'run'], { io: captured.io });
    expect(code).toBe(1);
    expect(captured.err()).toMatch(/^infomax: error: CIFAR-10 .*not found/);
    expect(captured.err()).toContain('hint: download it with `infomax data fetch <name>`');
  });
});

describe('infomax: errors that are not the user\'s', () => {
  it('names a missing run folder', async () => {
    const cwd = tempDir();
    const captured = captureIo(cwd);
    expect(await main(['report', 'nowhere'], { io: captured.io })).toBe(2);
    expect(captured.err()).toBe(`infomax: error: no run folder at ${join(cwd, 'nowhere')}\n`);
  });

  it('offers the stack of an unexpected error only on request', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'run', 'eval.json'), { recursive: true }); // a folder where a file belongs
    writeFileSync(join(cwd, 'run', 'config.json'), '{}');
    const plain = captureIo(cwd);
    expect(await main(['report', 'run'], { io: plain.io })).toBe(1);
    expect(plain.err()).toMatch(/^infomax: error: EISDIR: illegal operation on a directory, read\n\(rerun with --debug for the stack\)\n$/);
    const debug = captureIo(cwd);
    expect(await main(['--debug', 'report', 'run'], { io: debug.io })).toBe(1);
    expect(debug.err()).toMatch(/^infomax: error: EISDIR[^\n]*\nError: EISDIR[^\n]*\n\s+at /);
  });

  it('prints help and the version with exit 0', async () => {
    const captured = captureIo(tempDir());
    expect(await main(['--help'], { io: captured.io })).toBe(0);
    expect(captured.out()).toContain('Usage: infomax [options] [command]');
    for (const command of ['train', 'eval', 'report', 'data', 'bench']) expect(captured.out()).toContain(command);
    const version = captureIo(tempDir());
    expect(await main(['--version'], { io: version.io })).toBe(0);
    expect(version.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('reports a command that does not exist as a usage error', async () => {
    const captured = captureIo(tempDir());
    expect(await main(['trian'], { io: captured.io })).toBe(2);
    expect(captured.err()).toContain("unknown command 'trian'");
  });

  it('names the benchmarks when asked for one that does not exist', async () => {
    const captured = captureIo(tempDir());
    expect(await main(['bench', 'amdim-bench', 'vit-bench'], { io: captured.io })).toBe(2);
    expect(captured.err()).toBe("infomax: error: unknown benchmark 'vit-bench'; benchmarks: amdim-bench, dim-bench, cpc-bench\n");
  });

  it('refuses to fetch a data set it has no manifest for', async () => {
    const captured = captureIo(tempDir());
    expect(await main(['data', 'fetch', 'imagenet'], { io: captured.io })).toBe(2);
    expect(captured.err()).toBe('infomax: error: cannot fetch \'imagenet\'; fetchable data sets: fashion-mnist, mnist, cifar-10\n');
  });
});
