import * as tf from '@tensorflow/tfjs';
import type { RngState } from '../random/rng';
import type { Adam, AdamState } from './adam';
import { checkpointName, optimizerTensorName, VARIABLE_PREFIX, type TrainingCheckpoint } from './checkpoint';
import { CheckpointError } from './checkpoint-error';
import { formatShape, fromHostTensor, sameShape, toHostTensor, type HostTensor } from './host-tensor';

export interface CaptureInput {
  step: number;
  epoch: number;
  position: number;
  rng: RngState;
  config: Record<string, unknown>;
  elapsedSeconds?: number;
  /** Every variable to save, by stable path (trainable and not). */
  variables: ReadonlyMap<string, tf.Variable>;
  optimizers: ReadonlyMap<string, Adam>;
}

/** Reads variables and optimizer state to the host (async reads; no backend stall). */
export async function captureCheckpoint(input: CaptureInput): Promise<TrainingCheckpoint> {
  const tensors = new Map<string, HostTensor>();
  for (const [path, variable] of input.variables) tensors.set(VARIABLE_PREFIX + path, await toHostTensor(variable));
  const optimizers: Record<string, { step: number }> = {};
  for (const [group, adam] of input.optimizers) {
    const state = adam.getState();
    try {
      for (const [path, m] of state.firstMoments) tensors.set(optimizerTensorName(group, 'm', path), await toHostTensor(m));
      for (const [path, v] of state.secondMoments) tensors.set(optimizerTensorName(group, 'v', path), await toHostTensor(v));
    } finally {
      for (const t of [...state.firstMoments.values(), ...state.secondMoments.values()]) t.dispose();
    }
    optimizers[group] = { step: state.step };
  }
  const checkpoint: TrainingCheckpoint = {
    step: input.step,
    epoch: input.epoch,
    position: input.position,
    rng: input.rng,
    optimizers,
    config: input.config,
    tensors,
  };
  if (input.elapsedSeconds !== undefined) checkpoint.elapsedSeconds = input.elapsedSeconds;
  return checkpoint;
}

function expectTensor(
  checkpoint: TrainingCheckpoint,
  name: string,
  what: string,
  expected: tf.Variable,
): HostTensor {
  const label = checkpointName(checkpoint.step);
  const host = checkpoint.tensors.get(name);
  if (!host) {
    throw new CheckpointError(
      `checkpoint ${label} does not fit this model: it has no ${what} (the model expects shape ` +
        `${formatShape(expected.shape)}). It was probably written for a different architecture or config.`,
      label,
    );
  }
  if (!sameShape(host.shape, expected.shape)) {
    throw new CheckpointError(
      `checkpoint ${label} does not fit this model: ${what} has shape ${formatShape(host.shape)} in the ` +
        `checkpoint but ${formatShape(expected.shape)} in the model. It was written for a different ` +
        `architecture or config.`,
      label,
    );
  }
  if (host.dtype !== expected.dtype) {
    throw new CheckpointError(
      `checkpoint ${label} does not fit this model: ${what} is ${host.dtype} in the checkpoint but ${expected.dtype} in the model.`,
      label,
    );
  }
  return host;
}

/**
 * Validates the whole checkpoint against the model and optimizers first (the first mismatching
 * variable is named with both shapes), then writes it: a failed restore changes nothing.
 */
export function restoreCheckpoint(
  checkpoint: TrainingCheckpoint,
  target: { variables: ReadonlyMap<string, tf.Variable>; optimizers: ReadonlyMap<string, Adam> },
): void {
  const label = checkpointName(checkpoint.step);
  const variableValues = new Map<tf.Variable, HostTensor>();
  for (const [path, variable] of target.variables) {
    variableValues.set(variable, expectTensor(checkpoint, VARIABLE_PREFIX + path, `variable '${path}'`, variable));
  }
  const unexpected = [...checkpoint.tensors.keys()]
    .filter((name) => name.startsWith(VARIABLE_PREFIX))
    .map((name) => name.slice(VARIABLE_PREFIX.length))
    .filter((path) => !target.variables.has(path));
  if (unexpected.length > 0) {
    throw new CheckpointError(
      `checkpoint ${label} does not fit this model: it has variables the model lacks: ` +
        `${unexpected.slice(0, 5).map((p) => `'${p}'`).join(', ')}${unexpected.length > 5 ? ` and ${unexpected.length - 5} more` : ''}. ` +
        `It was written for a different architecture or config.`,
      label,
    );
  }
  const optimizerValues = new Map<Adam, { step: number; m: Map<string, HostTensor>; v: Map<string, HostTensor> }>();
  for (const [group, adam] of target.optimizers) {
    // Own keys only: a group named like an Object method must not find the prototype's.
    const scalars = Object.hasOwn(checkpoint.optimizers, group) ? checkpoint.optimizers[group] : undefined;
    if (!scalars) {
      throw new CheckpointError(
        `checkpoint ${label} has no optimizer state for group '${group}' (it has: ` +
          `${Object.keys(checkpoint.optimizers).join(', ') || 'none'}); the objective's optimizer groups changed.`,
        label,
      );
    }
    const m = new Map<string, HostTensor>();
    const v = new Map<string, HostTensor>();
    for (const path of adam.paths) {
      const variable = target.variables.get(path);
      if (!variable) throw new Error(`internal: optimizer '${group}' tracks '${path}', which is not a saved variable`);
      m.set(path, expectTensor(checkpoint, optimizerTensorName(group, 'm', path), `optimizer '${group}' first moment of '${path}'`, variable));
      v.set(path, expectTensor(checkpoint, optimizerTensorName(group, 'v', path), `optimizer '${group}' second moment of '${path}'`, variable));
    }
    optimizerValues.set(adam, { step: scalars.step, m, v });
  }

  tf.tidy(() => {
    for (const [variable, host] of variableValues) variable.assign(fromHostTensor(host));
  });
  for (const [adam, values] of optimizerValues) {
    const state: AdamState = {
      step: values.step,
      firstMoments: new Map([...values.m].map(([p, h]) => [p, fromHostTensor(h)])),
      secondMoments: new Map([...values.v].map(([p, h]) => [p, fromHostTensor(h)])),
    };
    try {
      adam.setState(state);
    } finally {
      for (const t of [...state.firstMoments.values(), ...state.secondMoments.values()]) t.dispose();
    }
  }
}
