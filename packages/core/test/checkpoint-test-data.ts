// Hand-made checkpoints for store tests: plain host data, no backend and no training needed.
import { Rng, type HostTensor, type TrainingCheckpoint } from '@infomax/core';

function floats(rng: Rng, shape: number[]): HostTensor {
  return { dtype: 'float32', shape, values: rng.normalArray(shape.reduce((n, d) => n * d, 1)) };
}

/**
 * A checkpoint shaped like a small model's: two float32 variables, an int32 and a bool one,
 * and Adam moments for the float ones. `seed` varies the values (and so the SHA-256).
 */
export function handMadeCheckpoint(step: number, seed = step): TrainingCheckpoint {
  const rng = new Rng(`hand-made/${seed}`);
  const tensors = new Map<string, HostTensor>([
    ['variables/dense/kernel', floats(rng, [6, 4])],
    ['variables/dense/bias', floats(rng, [4])],
    ['variables/counter', { dtype: 'int32', shape: [2], values: Int32Array.from([step, seed]) }],
    ['variables/mask', { dtype: 'bool', shape: [3], values: Uint8Array.from([1, 0, 1]) }],
    ['optimizers/main/m/dense/kernel', floats(rng, [6, 4])],
    ['optimizers/main/v/dense/kernel', floats(rng, [6, 4])],
    ['optimizers/main/m/dense/bias', floats(rng, [4])],
    ['optimizers/main/v/dense/bias', floats(rng, [4])],
  ]);
  return {
    step,
    epoch: Math.floor(step / 3),
    position: step % 3,
    rng: new Rng(seed).getState(),
    optimizers: { main: { step } },
    config: { trainer: { batchSize: 8, steps: 100 }, note: 'hand-made' },
    elapsedSeconds: step * 0.5,
    tensors,
  };
}
