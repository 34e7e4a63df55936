import { resolve } from 'node:path';
import type { PluginRegistries } from '@infomax/core';
import { datasetSpecSchema } from '@infomax/data/node';
import { usageError } from '../errors/cli-error';
import { InvalidRunConfigError } from '../errors/invalid-run-config-error';
import { getPreset, type Preset, type TrainerLength } from '../presets';
import { dataFlagLayer, DEFAULT_DATA } from '../run/data-choice';
import { openData, type OpenedData } from '../run/open-data';
import { describeIssues, unknownKeyIssues } from './config-issues';
import { deepMerge } from './deep-merge';
import { isPlainObject } from './describe-value';
import { readConfigFile } from './read-config-file';
import type { RunConfig } from './run-config';
import { parseSetOverrides } from './set-overrides';
import { validateRunConfig } from './validate-run-config';

/** Where a fresh run's config comes from, lowest precedence first: preset, file, flags, --set. */
export interface TrainConfigSources {
  preset?: string;
  configFile?: string;
  seed?: number;
  steps?: number;
  epochs?: number;
  batchSize?: number;
  data?: string;
  set?: readonly string[];
}

export interface ResolvedTrainConfig {
  config: RunConfig;
  data: OpenedData;
  /** Lines worth printing at start-up: preset adjustments, a synthetic stand-in. */
  notes: string[];
}

/** The config layer of the flags. `--steps` clears a lower layer's `epochs`, and vice versa. */
function flagLayer(sources: TrainConfigSources, cwd: string): Record<string, unknown> {
  const trainer: Record<string, unknown> = {};
  if (sources.steps !== undefined) Object.assign(trainer, { steps: sources.steps, epochs: undefined });
  if (sources.epochs !== undefined) Object.assign(trainer, { epochs: sources.epochs, steps: undefined });
  if (sources.batchSize !== undefined) trainer.batchSize = sources.batchSize;
  return {
    ...(sources.seed !== undefined ? { seed: sources.seed } : {}),
    ...(Object.keys(trainer).length > 0 ? { trainer } : {}),
    ...(sources.data !== undefined ? { data: dataFlagLayer(sources.data, cwd) } : {}),
  };
}

/** A lower layer's `steps` or `epochs` gives way when a higher layer sets the other. */
function exclusiveLength(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const trainer = over.trainer;
  if (!isPlainObject(trainer) || !isPlainObject(base.trainer)) return base;
  const drop = 'steps' in trainer && !('epochs' in trainer) ? 'epochs' : 'epochs' in trainer && !('steps' in trainer) ? 'steps' : null;
  if (!drop) return base;
  return { ...base, trainer: { ...base.trainer, [drop]: undefined } };
}

function originOf(sources: TrainConfigSources, preset: Preset | undefined): string {
  const parts = [
    preset ? `preset ${preset.name}` : undefined,
    sources.configFile ? `config ${sources.configFile}` : undefined,
    sources.set && sources.set.length > 0 ? '--set' : undefined,
  ].filter(Boolean);
  return parts.join(' + ') || 'flags';
}

function trainerLength(layer: Record<string, unknown>): TrainerLength {
  const trainer = isPlainObject(layer.trainer) ? layer.trainer : {};
  const int = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined);
  const out: TrainerLength = {};
  const batchSize = int(trainer.batchSize);
  const steps = int(trainer.steps);
  const epochs = int(trainer.epochs);
  if (batchSize !== undefined) out.batchSize = batchSize;
  if (steps !== undefined) out.steps = steps;
  if (epochs !== undefined) out.epochs = epochs;
  return out;
}

/**
 * Resolves a fresh run's config: reads the config file (which may `extends` a preset), layers
 * flags and `--set` over it, opens the data it names (the preset needs its shape), builds the
 * preset for that data and validates the result against the registries.
 */
export async function resolveTrainConfig(
  sources: TrainConfigSources,
  registries: PluginRegistries,
  where: { cwd: string; env: NodeJS.ProcessEnv; onWarning?: (message: string) => void },
): Promise<ResolvedTrainConfig> {
  const file = sources.configFile ? await readConfigFile(resolve(where.cwd, sources.configFile)) : {};
  const { extends: extendsName, ...fileLayer } = file;
  if (extendsName !== undefined && typeof extendsName !== 'string') {
    throw usageError(`config ${sources.configFile}: 'extends' names a preset and must be a string`);
  }
  const presetName = sources.preset ?? extendsName;
  const preset = presetName !== undefined ? getPreset(presetName) : undefined;
  if (!preset && !sources.configFile) {
    throw usageError('train needs --preset <name> or --config <file>', 'e.g. infomax train --preset amdim --steps 200');
  }
  const origin = originOf(sources, preset);
  const overrides = deepMerge(fileLayer, flagLayer(sources, where.cwd), parseSetOverrides(sources.set ?? []));

  const chosen = isPlainObject(overrides.data) ? overrides.data : { ...DEFAULT_DATA };
  const dataInput = deepMerge(preset?.data(chosen) ?? {}, chosen);
  const dataIssues = unknownKeyIssues(datasetSpecSchema, dataInput, 'data');
  const parsedData = datasetSpecSchema.safeParse(dataInput);
  if (!parsedData.success) dataIssues.push(...describeIssues(parsedData.error.issues, dataInput, { prefix: 'data', schema: datasetSpecSchema }));
  if (dataIssues.length > 0 || !parsedData.success) throw new InvalidRunConfigError(dataIssues, origin);
  const data = await openData(parsedData.data, where.env, where.cwd, where.onWarning);

  const notes: string[] = [];
  if (data.fallbackReason) {
    notes.push(`${data.spec.name} was not found, so synthetic shapes stand in (download it with: infomax data fetch ${data.spec.name})`);
  }
  let base: Record<string, unknown> = {};
  if (preset) {
    const built = preset.build({ data, trainer: trainerLength(overrides) });
    notes.push(...built.notes);
    base = { ...built.config, preset: preset.name };
  }
  const merged = deepMerge(exclusiveLength(base, overrides), overrides, { data: parsedData.data });
  const config = validateRunConfig(merged, registries, origin);
  return { config, data, notes };
}
