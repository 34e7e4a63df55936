import type { BackendChoice, Objective } from '@infomax/core';
import { describeData, type OpenedData } from './open-data';
import { formatCount, parameterCount } from './build-objective';

/**
 * The one line a training session starts with: backend and kernels, the data and where it
 * came from, the objective and its size, e.g.
 * `infomax train: backend wasm (SIMD + FMA, 2 threads), kernels: onednn 2.6.3 (2 threads) | data fashion-mnist/train, ...`.
 */
export function startupLine(parts: {
  command: string;
  choice: BackendChoice;
  data: OpenedData;
  objective: Objective;
  encoder?: string;
  progress: string;
}): string {
  const objective = `objective ${parts.objective.name}${parts.encoder ? ` (encoder ${parts.encoder})` : ''}, ${formatCount(parameterCount(parts.objective))} parameters`;
  return [`infomax ${parts.command}: backend ${parts.choice.description}`, `data ${describeData(parts.data)}`, objective, parts.progress].join(' | ');
}

/** The encoder a config names, if its objective takes one as `encoder`. */
export function encoderName(objectiveOptions: Record<string, unknown> | undefined): string | undefined {
  const encoder = objectiveOptions?.encoder as { name?: unknown } | undefined;
  return typeof encoder?.name === 'string' ? encoder.name : undefined;
}
