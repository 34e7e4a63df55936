import { usageError } from '../errors/cli-error';
import { amdimPreset } from './amdim-preset';
import { cpcPreset } from './cpc-preset';
import { dimPreset } from './dim-preset';
import type { Preset } from './preset';

export type { Preset, PresetContext, PresetResult, TrainerLength } from './preset';
export { amdimPreset, cpcPreset, dimPreset };

/** Presets by name. A preset for an objective not yet registered fails validation by name. */
export const PRESETS: ReadonlyMap<string, Preset> = new Map([amdimPreset, cpcPreset, dimPreset].map((p) => [p.name, p]));

export function getPreset(name: string): Preset {
  const preset = PRESETS.get(name);
  if (!preset) {
    throw usageError(`unknown preset '${name}'; available: ${[...PRESETS.keys()].sort().join(', ')}`);
  }
  return preset;
}
