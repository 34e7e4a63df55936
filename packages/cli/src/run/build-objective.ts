import * as tf from '@tensorflow/tfjs';
import { createContainer, Tokens, type Objective, type ViewGenerator } from '@infomax/core';
import type { RunConfig } from '../config/run-config';
import { CliError } from '../errors/cli-error';
import { ExitCode } from '../errors/exit-codes';
import { PLUGIN_MODULES } from '../plugin-modules';

export interface BuiltObjective {
  objective: Objective;
  views: ViewGenerator;
}

/**
 * The objective and view generator a run config names, from a container of every plugin
 * module. `seed` defaults to the config's; the random-encoder baseline passes another.
 */
export function buildObjective(config: RunConfig, seed = config.seed): BuiltObjective {
  const container = createContainer({
    modules: PLUGIN_MODULES,
    config: { seed, objective: config.objective, viewGenerator: config.viewGenerator },
  });
  return {
    objective: container.get<Objective>(Tokens.Objective),
    views: container.get<ViewGenerator>(Tokens.ViewGenerator),
  };
}

/** Trainable scalars of the objective (the online probe is not part of it). */
export function parameterCount(objective: Objective): number {
  return objective.trainableVariables.reduce((n, v) => n + v.size, 0);
}

/** `1.04 M`, `23.6 k`, `512`. */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

/** An objective that can give frozen features for evaluation (AMDIM's f1, DIM's Y ...). */
export interface FeaturizingObjective extends Objective {
  features(x: tf.Tensor, feature?: string): tf.Tensor;
}

export function requireFeatures(objective: Objective): FeaturizingObjective {
  const candidate = objective as Partial<FeaturizingObjective>;
  if (typeof candidate.features !== 'function') {
    throw new CliError(
      `objective '${objective.name}' has no features(x) method, so its representation cannot be evaluated`,
      ExitCode.Failure,
      'objectives expose frozen features for eval through features(x) -> [batch, dim]',
    );
  }
  return objective as FeaturizingObjective;
}
