import * as tf from '@tensorflow/tfjs';
import { Rng, type InfomaxConfigInput, type Views } from '@infomax/core';

/** One benchmark of shared/spec/BENCHMARKS.md: what to build and the fixed inputs of a step. */
export interface BenchConfig {
  name: string;
  /** Images (or sequences) consumed per step, for images/s. */
  examplesPerStep: number;
  objective: NonNullable<InfomaxConfigInput['objective']>;
  learningRate: number;
  beta1?: number;
  beta2?: number;
  /** Fixed random inputs made once; no augmentation inside the timed step. */
  makeViews(rng: Rng): Views;
}

const uniform = (rng: Rng, shape: number[]) => tf.tensor(rng.uniformArray(shape.reduce((a, b) => a * b, 1)), shape);

export const BENCH_CONFIGS: readonly BenchConfig[] = [
  {
    name: 'amdim-bench',
    examplesPerStep: 32,
    objective: {
      name: 'amdim',
      options: {
        inputShape: [32, 32, 3],
        encoder: { name: 'amdim', options: { inputSize: 32, ndf: 32, nRkhs: 256, depth: 1, useBatchNorm: false } },
      },
    },
    learningRate: 2e-4,
    beta1: 0.8,
    beta2: 0.999,
    makeViews: (rng) => ({ view1: uniform(rng, [32, 32, 32, 3]), view2: uniform(rng, [32, 32, 32, 3]) }),
  },
  {
    name: 'dim-bench',
    examplesPerStep: 64,
    objective: {
      name: 'dim',
      options: {
        inputShape: [32, 32, 3],
        preset: 'local',
        gamma: 0,
        bound: { name: 'jsd' },
        localCritic: { name: 'dot-product', options: { heads: 'dim-encode', units: 512 } },
      },
    },
    learningRate: 1e-4,
    makeViews: (rng) => ({ view1: uniform(rng, [64, 32, 32, 3]) }),
  },
  {
    name: 'cpc-bench',
    examplesPerStep: 8,
    objective: {
      name: 'cpc',
      options: {
        mode: 'sequence',
        encoder: { name: 'cpc-strided-1d', options: { channels: 128 } },
        contextNetwork: { name: 'gru', options: { hiddenSize: 128 } },
        critic: { name: 'bilinear', options: { steps: 12 } },
      },
    },
    learningRate: 2e-4,
    makeViews: (rng) => ({ window: tf.tensor(rng.normalArray(8 * 20480), [8, 20480, 1]) }),
  },
];

export function benchConfig(name: string): BenchConfig {
  const config = BENCH_CONFIGS.find((c) => c.name === name);
  if (!config) {
    throw new Error(`Unknown benchmark '${name}'. Benchmarks: ${BENCH_CONFIGS.map((c) => c.name).join(', ')}`);
  }
  return config;
}
