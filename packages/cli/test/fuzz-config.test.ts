import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { deepMerge } from '../src/config/deep-merge';
import { isPlainObject } from '../src/config/describe-value';
import { readConfigFile } from '../src/config/read-config-file';
import { resolveTrainConfig } from '../src/config/resolve-train-config';
import { runConfigSchema } from '../src/config/run-config';
import { parseSetOverrides } from '../src/config/set-overrides';
import { validateRunConfig } from '../src/config/validate-run-config';
import { CliError } from '../src/errors/cli-error';
import { InvalidRunConfigError } from '../src/errors/invalid-run-config-error';
import { pluginRegistries } from '../src/plugin-modules';
import { tempDir } from './cli-test-io';

/**
 * Property: the config reader and validator, given random and mutated configs (as objects,
 * JSON and YAML text, byte-mangled text and `--set` flags), either accept the config (and the
 * result is a valid run config) or throw a CliError / InvalidRunConfigError whose message
 * says something. Never a TypeError, RangeError or stack overflow. Seeded: failures reproduce.
 */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const KEYS = ['name', 'options', 'batchSize', 'steps', 'epochs', 'seed', 'data', 'count', 'imageSize', 'encoder', 'bound', 'clip',
  'probe', 'learningRate', 'optimizers', 'main', 'decays', 'atFraction', 'x', '', ' ', '__proto__', 'constructor', 'toString', '0'];

function randomScalar(random: Random): unknown {
  return random.pick<() => unknown>([
    () => random.int(10),
    () => -random.int(1000),
    () => random.next(),
    () => random.pick([0, -0, 1e308, -1e308, 2 ** 53, 2 ** 31, 1e-320, 0.5, 1.5]),
    () => random.pick(['', 'amdim', 'dim', 'cpc', 'jsd', 'infonce', 'synthetic-shapes', 'fashion-mnist', '../..', '<b>', 'x'.repeat(300)]),
    () => random.chance(0.5),
    () => null,
  ])();
}

function randomValue(random: Random, depth: number): unknown {
  if (depth > 3 || random.chance(0.6)) return randomScalar(random);
  if (random.chance(0.5)) return Array.from({ length: random.int(4) }, () => randomValue(random, depth + 1));
  const out: Record<string, unknown> = {};
  for (let i = random.int(4); i > 0; i--) Object.defineProperty(out, random.pick(KEYS), { value: randomValue(random, depth + 1), enumerable: true, writable: true, configurable: true });
  return out;
}

/** The paths of every value in a config object. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (!isPlainObject(value) && !Array.isArray(value)) return [prefix];
  const entries = Object.entries(value as Record<string, unknown>);
  return [prefix, ...entries.flatMap(([key, child]) => paths(child, [...prefix, key]))];
}

/** A deep copy of `config` with 1-4 structural mutations at random paths. */
function mutateConfig(random: Random, config: Record<string, unknown>): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  for (let round = 1 + random.int(4); round > 0; round--) {
    const path = random.pick(paths(copy));
    if (path.length === 0) continue;
    let holder: Record<string, unknown> = copy;
    for (const key of path.slice(0, -1)) holder = holder[key] as Record<string, unknown>;
    const key = path[path.length - 1]!;
    const set = (k: string, v: unknown) =>
      Object.defineProperty(holder, k, { value: v, enumerable: true, writable: true, configurable: true });
    switch (random.int(6)) {
      case 0:
        delete holder[key];
        break;
      case 5:
        // Often still valid: a small number where a number was.
        if (typeof holder[key] === 'number') set(key, 1 + random.int(8));
        break;
      case 1:
        set(key, randomValue(random, 0));
        break;
      case 2:
        set(random.pick(KEYS), randomValue(random, 1));
        break;
      case 3:
        set(key, [holder[key]]);
        break;
      default:
        set(key, { [random.pick(KEYS)]: holder[key] });
    }
  }
  return copy;
}

/** Text damage: characters deleted, duplicated or replaced by YAML/JSON syntax. */
function mutateText(random: Random, text: string): string {
  let out = text;
  const snippets = ['{', '}', '[', ']', ':', ',', '"', "'", '- ', '&a ', '*a', '!!set ', '!!binary ', '!foo ', '? ', '|', '>', '\t', '\n  ', '#', '.nan', '.inf', '0x1F', '~', '%YAML 1.1\n---\n', '<<: '];
  for (let round = 1 + random.int(3); round > 0; round--) {
    const at = random.int(out.length + 1);
    switch (random.int(3)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + 1 + random.int(8));
        break;
      case 1:
        out = out.slice(0, at) + random.pick(snippets) + out.slice(at);
        break;
      default:
        out = out.slice(0, at) + out.slice(at, at + 1 + random.int(16)) + out.slice(at);
    }
  }
  return out;
}

function expectTypedError(error: unknown, label: string): void {
  const typed = error instanceof CliError || error instanceof InvalidRunConfigError;
  expect(typed, `${label}: ${(error as Error)?.name}: ${(error as Error)?.message}`).toBe(true);
  expect((error as Error).message.length, label).toBeGreaterThan(10);
  expect((error as Error).message, label).not.toMatch(/\bat \S+:\d+:\d+/);
}

describe('fuzz: the config reader and validator meet random and mutated configs with typed errors', () => {
  const registries = pluginRegistries();
  const tmp = tempDir('infomax-fuzz-config-');
  const bases: Record<string, unknown>[] = [];
  const outcomes = { accepted: 0, rejected: 0 };

  beforeAll(async () => {
    for (const preset of ['amdim', 'dim', 'cpc']) {
      const { config } = await resolveTrainConfig(
        { preset, data: 'synthetic', set: ['data.count=16'], batchSize: 8, steps: 2 },
        registries,
        { cwd: tmp, env: {} },
      );
      bases.push(JSON.parse(JSON.stringify(config)) as Record<string, unknown>);
    }
  });

  /** Validation as `infomax train` and `--resume` do it; checks an accepted config's shape. */
  function validate(input: unknown, label: string): void {
    try {
      const config = validateRunConfig(input, registries, label);
      expect(runConfigSchema.safeParse(config).success, label).toBe(true);
      outcomes.accepted++;
    } catch (error) {
      expectTypedError(error, label);
      outcomes.rejected++;
    }
  }

  it('validateRunConfig: 300 structurally mutated configs', () => {
    const random = new Random(0xc0f1);
    for (let i = 0; i < 300; i++) validate(mutateConfig(random, random.pick(bases)), `object case ${i}`);
  });

  it('readConfigFile + validateRunConfig: 200 mutated JSON and YAML files, half with damaged text', async () => {
    const random = new Random(0xc0f2);
    for (let i = 0; i < 200; i++) {
      const label = `file case ${i}`;
      const config = mutateConfig(random, random.pick(bases));
      const json = random.chance(0.5);
      let text = json ? JSON.stringify(config, null, random.int(3)) : toYaml(config);
      if (random.chance(0.5)) text = mutateText(random, text);
      const file = join(tmp, `case-${i}.${json ? 'json' : 'yaml'}`);
      writeFileSync(file, text);
      let parsed: Record<string, unknown>;
      try {
        parsed = await readConfigFile(file);
      } catch (error) {
        expectTypedError(error, label);
        outcomes.rejected++;
        continue;
      }
      validate(parsed, label);
    }
  });

  it('parseSetOverrides + deepMerge + validateRunConfig: 200 random --set flag lists', () => {
    const random = new Random(0xc0f3);
    for (let i = 0; i < 200; i++) {
      const label = `--set case ${i}`;
      const base = random.pick(bases);
      const flags = Array.from({ length: 1 + random.int(3) }, () => {
        const path = random.chance(0.7) ? random.pick(paths(base)).join('.') : `${random.pick(KEYS)}.${random.pick(KEYS)}`;
        const value = random.chance(0.5) ? JSON.stringify(randomValue(random, 1)) ?? 'null' : mutateText(random, String(randomScalar(random)));
        return random.chance(0.05) ? value : `${path}=${value}`;
      });
      let merged: Record<string, unknown>;
      try {
        merged = deepMerge(base, parseSetOverrides(flags));
      } catch (error) {
        expectTypedError(error, `${label} ${JSON.stringify(flags)}`);
        outcomes.rejected++;
        continue;
      }
      validate(merged, `${label} ${JSON.stringify(flags)}`);
    }
  });

  it('saw both outcomes', () => {
    expect(outcomes.accepted).toBeGreaterThan(10);
    expect(outcomes.rejected).toBeGreaterThan(300);
  });
});
