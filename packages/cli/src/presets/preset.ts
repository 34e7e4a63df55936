import type { OpenedData } from '../run/open-data';

/** Trainer fields given by the config file or flags, which a preset's schedule depends on. */
export interface TrainerLength {
  batchSize?: number;
  steps?: number;
  epochs?: number;
}

export interface PresetContext {
  /** The opened training data: shape, channels and classes decide the model's input side. */
  data: OpenedData;
  trainer: TrainerLength;
}

export interface PresetResult {
  /** A run config layer; the config file, flags and `--set` are merged over it. */
  config: Record<string, unknown>;
  /** Adjustments worth a line at start-up (e.g. a warm-up shortened for a short run). */
  notes: string[];
}

/**
 * A named starting point for `infomax train --preset <name>`: plain data, built once the data
 * set is open because channel counts, input size and classes come from it.
 */
export interface Preset {
  readonly name: string;
  readonly description: string;
  /** Defaults for the data spec, given the data set chosen (e.g. pad 28x28 images to 32x32). */
  data(choice: { name?: unknown }): Record<string, unknown>;
  build(context: PresetContext): PresetResult;
}
