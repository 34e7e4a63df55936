import type { RngState } from '../random/rng';
import type { HostTensor } from './host-tensor';

/** Host-side copy of everything exact resume needs. Tensor names are prefixed by their role. */
export interface TrainingCheckpoint {
  /** Completed updates. */
  step: number;
  /** Epoch of the next step, and its batch index within that epoch. */
  epoch: number;
  position: number;
  /** The root random stream (streams are forked by name from it, so it is the whole RNG state). */
  rng: RngState;
  /** Per optimizer group: its step count (and anything else scalar it needs). */
  optimizers: Record<string, { step: number }>;
  /** Trainer config and component configs, for the record and for compatibility warnings. */
  config: Record<string, unknown>;
  /** Training time before this checkpoint, so `time` in metrics continues across resumes. */
  elapsedSeconds?: number;
  /**
   * `variables/<path>`: every variable (trainable and not);
   * `optimizers/<group>/m/<path>`, `optimizers/<group>/v/<path>`: Adam moments.
   */
  tensors: Map<string, HostTensor>;
}

export interface CheckpointInfo {
  /** e.g. `step-000120`. */
  name: string;
  step: number;
}

/** `step-000120`: zero-padded so names sort by step in a file listing. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

export const VARIABLE_PREFIX = 'variables/';

export function optimizerTensorName(group: string, moment: 'm' | 'v', path: string): string {
  return `optimizers/${group}/${moment}/${path}`;
}
