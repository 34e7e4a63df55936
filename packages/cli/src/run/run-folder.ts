import { existsSync } from 'node:fs';
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { PluginRegistries } from '@infomax/core';
import { validateRunConfig } from '../config/validate-run-config';
import type { RunConfig } from '../config/run-config';
import { CliError, usageError } from '../errors/cli-error';
import { ExitCode } from '../errors/exit-codes';
import { assertPlainConfigData } from '../config/plain-config-data';
import { assertWritesStayInside } from './assert-inside-folder';

/**
 * The files of one run folder:
 *
 *   config.json        the resolved run config (written before training starts)
 *   environment.json   one entry per train / resume / eval session: backend, versions, date
 *   metrics.jsonl      one JSON record per logged step
 *   checkpoints/       step-NNNNNN.json + step-NNNNNN.<sha>.bin (the newest 3)
 *   eval.json          written by `infomax eval`
 *   report.html        written by `infomax report`
 */
export class RunFolder {
  readonly dir: string;

  constructor(dir: string, cwd = process.cwd()) {
    this.dir = resolve(cwd, dir);
  }

  get configFile(): string {
    return join(this.dir, 'config.json');
  }
  get environmentFile(): string {
    return join(this.dir, 'environment.json');
  }
  get metricsFile(): string {
    return join(this.dir, 'metrics.jsonl');
  }
  get checkpointsDir(): string {
    return join(this.dir, 'checkpoints');
  }
  get evalFile(): string {
    return join(this.dir, 'eval.json');
  }
  get reportFile(): string {
    return join(this.dir, 'report.html');
  }

  /** Every path a command writes in the folder; none may lead outside it. */
  get outputs(): string[] {
    return [this.configFile, this.environmentFile, this.metricsFile, this.checkpointsDir, this.evalFile, this.reportFile];
  }

  /**
   * Called before a command writes anything: refuses a folder whose files (by default all of
   * `outputs`) are symbolic links to places outside it. Names are fixed and a config holds no
   * output paths, so links are the one way out.
   */
  assertOutputsInside(paths: readonly string[] = this.outputs): void {
    for (const path of paths) assertWritesStayInside(this.dir, path);
  }

  hasConfig(): boolean {
    return existsSync(this.configFile);
  }

  /** The run's config, validated again (a hand-edited config.json gets the same messages). */
  async readConfig(registries: PluginRegistries): Promise<RunConfig> {
    if (!existsSync(this.dir)) throw usageError(`no run folder at ${this.dir}`);
    if (!this.hasConfig()) {
      throw usageError(`${this.dir} is not a run folder: it has no config.json`, 'give the folder `infomax train --out` wrote');
    }
    const raw = await readJson(this.configFile);
    assertPlainConfigData(raw, this.configFile);
    return validateRunConfig(raw, registries, this.configFile);
  }

  async writeConfig(config: RunConfig): Promise<void> {
    await writeJsonAtomically(this.configFile, config);
  }
}

/** config.json, eval.json and environment.json are kilobytes; a larger one is not ours. */
export const MAX_RUN_JSON_BYTES = 16 * 1024 * 1024;

export async function readJson(file: string): Promise<unknown> {
  const handle = await open(file, 'r');
  let text: string;
  try {
    const { size } = await handle.stat();
    if (size > MAX_RUN_JSON_BYTES) {
      throw new CliError(`${file} holds ${size} bytes, more than the ${MAX_RUN_JSON_BYTES} a run file may have; it was not written by infomax`, ExitCode.Failure);
    }
    text = await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`, ExitCode.Failure);
  }
}

/** Writes JSON so a crash leaves the old file or the new one, never half of one. */
export async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, 'utf8');
  await rename(temp, file);
}
