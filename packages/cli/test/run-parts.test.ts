import * as tf from '@tensorflow/tfjs';
import { captureCheckpoint, CheckpointError, Rng, useBackend, type PluginSelection } from '@infomax/core';
import { createSyntheticSequences, createSyntheticShapes } from '@infomax/data';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DataSpec } from '../src/config/run-config';
import { validateRunConfig } from '../src/config/validate-run-config';
import { CliError } from '../src/errors/cli-error';
import { pluginRegistries } from '../src/plugin-modules';
import { amdimPreset, PRESETS, type TrainerLength } from '../src/presets';
import { deepMerge } from '../src/config/deep-merge';
import { buildObjective, parameterCount, requireFeatures } from '../src/run/build-objective';
import { evalInputTransform } from '../src/run/eval-input-transform';
import { loadObjectiveWeights } from '../src/run/load-weights';
import type { OpenedData } from '../src/run/open-data';

const registries = pluginRegistries();

function imageData(size: number, channels: 1 | 3, padTo?: number): OpenedData {
  const source = createSyntheticShapes({ count: 16, imageSize: size, imageChannels: channels, rng: new Rng(0), ...(padTo ? { padTo } : {}) });
  return { spec: { name: 'synthetic-shapes', count: 16 } as DataSpec, source, location: 'synthetic' };
}

function sequenceData(): OpenedData {
  const source = createSyntheticSequences({ count: 4, length: 1600, rng: new Rng(0) });
  return { spec: { name: 'synthetic-sequences', count: 4 } as DataSpec, source, location: 'synthetic' };
}

/** A preset's config for `data`, completed and validated as `infomax train` does. */
function presetConfig(name: string, data: OpenedData, trainer: TrainerLength = {}) {
  const built = PRESETS.get(name)!.build({ data, trainer });
  // The flags' trainer layer goes over the preset, as in `infomax train`.
  const merged = deepMerge(built.config, { trainer, data: data.spec, preset: name });
  return { config: validateRunConfig(merged, registries), notes: built.notes };
}

beforeAll(() => useBackend('cpu'));

describe('presets', () => {
  it('amdim fits 1-channel 28x28 data padded to 32x32: input side from the data, AMDIM optimiser, scaled warm-up', () => {
    expect(amdimPreset.data({ name: 'fashion-mnist' })).toEqual({ padTo: 32 });
    const { config, notes } = presetConfig('amdim', imageData(28, 1, 32), { steps: 300 });
    expect(config.objective.options).toMatchObject({
      inputShape: [32, 32, 1],
      encoder: { name: 'amdim', options: { ndf: 32, nRkhs: 256, inChannels: 1, inputSize: 32 } },
      bound: { name: 'infonce', options: { clip: 20, l2: 0.05 } },
      probe: { numClasses: 10 },
    });
    expect(config.viewGenerator).toEqual({
      name: 'two-view',
      options: { preset: 'amdim-cifar', normalize: { mean: [0.5], std: [0.5] } },
    });
    expect(config.trainer.optimizers.main).toMatchObject({
      learningRate: 2e-4,
      beta1: 0.8,
      beta2: 0.999,
      warmupSteps: 30,
      decays: [{ atFraction: 0.8, factor: 0.2 }],
    });
    expect(notes).toEqual(['warm-up shortened from 500 to 30 steps (a tenth of the 300 training steps)']);
    // Long runs keep the paper's 500 steps, and a length from the flags wins over the preset's.
    expect(presetConfig('amdim', imageData(32, 3), { epochs: 3000 }).config.trainer).toMatchObject({ epochs: 3000 });
    expect(presetConfig('amdim', imageData(32, 3), { steps: 9000 }).config.trainer.optimizers.main!.warmupSteps).toBe(500);
  });

  it('amdim refuses data it cannot take, saying what to set', () => {
    const error = (() => {
      try {
        amdimPreset.build({ data: imageData(28, 1), trainer: {} });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({
      message: 'the amdim preset trains the 32x32 AMDIM encoder, but the data gives 28x28 images',
      exitCode: 2,
      hint: 'set data.padTo: 32 (smaller images) or data.size: 32 (image folders) with --set',
    });
    expect(() => amdimPreset.build({ data: sequenceData(), trainer: {} })).toThrow(/the amdim preset trains on images, but synthetic-sequences\S* holds sequences \[1600, 1\]/);
  });

  for (const [name, data] of [
    ['dim', () => imageData(28, 1)],
    ['cpc', () => imageData(32, 3)],
    ['cpc', sequenceData],
  ] as const) {
    it(`${name} builds a valid config and objective (${data().source.exampleShape.length === 2 ? 'sequences' : 'images'})`, () => {
      const { config } = presetConfig(name, data());
      const { objective } = buildObjective(config);
      try {
        expect(objective.name).toBe(name);
        expect(parameterCount(objective)).toBeGreaterThan(0);
        requireFeatures(objective);
      } finally {
        objective.dispose();
      }
    });
  }
});

describe('evalInputTransform', () => {
  it('normalises encoder inputs as the training views did, without their random parts', async () => {
    const cases: [PluginSelection, string][] = [
      [{ name: 'two-view', options: { preset: 'amdim-cifar' } }, 'normalize mean [0.4914, 0.4824, 0.4467] std [0.2471, 0.2435, 0.2616]'],
      [{ name: 'two-view', options: { normalize: { mean: [0.5], std: [0.25] } } }, 'normalize mean [0.5] std [0.25]'],
      [{ name: 'two-view', options: { preset: 'custom' } }, 'none'],
      [{ name: 'identity' }, 'none'],
      [{ name: 'patch-grid', options: { augment: { normalize: { mean: [0.5], std: [0.5] } } } }, 'normalize mean [0.5] std [0.5]'],
      [{ name: 'temporal-window' }, 'none'],
    ];
    expect(cases.map(([selection]) => evalInputTransform(selection).description)).toEqual(cases.map(([, want]) => want));
    const x = tf.tensor4d([0, 0.5, 1, 0.75], [1, 2, 2, 1]);
    const y = evalInputTransform({ name: 'two-view', options: { normalize: { mean: [0.5], std: [0.25] } } }).apply(x);
    expect(await y.data()).toEqual(new Float32Array([-2, 0, 2, 1]));
    tf.dispose([x, y]);
  });
});

describe('loadObjectiveWeights', () => {
  const tiny = () =>
    validateRunConfig(
      {
        data: { name: 'synthetic-shapes' },
        objective: { name: 'amdim', options: { inputShape: [32, 32, 3], encoder: { name: 'amdim', options: { ndf: 2, nRkhs: 8 } } } },
        viewGenerator: { name: 'identity' },
        trainer: { steps: 1 },
      },
      registries,
    );

  it("gives a freshly built objective the checkpoint's weights, ignoring the probe and optimizer state", async () => {
    const config = tiny();
    const trained = requireFeatures(buildObjective(config, 0).objective);
    const fresh = requireFeatures(buildObjective(config, 1).objective);
    const x = tf.tensor4d(new Rng(3).uniformArray(2 * 32 * 32 * 3), [2, 32, 32, 3]);
    const want = await trained.features(x).array();
    expect(await fresh.features(x).array()).not.toEqual(want);

    const checkpoint = await captureCheckpoint({
      step: 7,
      epoch: 0,
      position: 7,
      rng: new Rng(0).getState(),
      config: {},
      variables: trained.namedVariables(),
      optimizers: new Map(),
    });
    checkpoint.tensors.set('variables/groups/probe/0', { dtype: 'float32', shape: [1], values: new Float32Array(1) });
    loadObjectiveWeights(fresh, checkpoint);
    expect(await fresh.features(x).array()).toEqual(want);

    const [first] = [...trained.namedVariables().keys()];
    checkpoint.tensors.delete(`variables/${first}`);
    expect(() => loadObjectiveWeights(fresh, checkpoint)).toThrow(CheckpointError);
    expect(() => loadObjectiveWeights(fresh, checkpoint)).toThrow(`it has no variable '${first}'`);
    tf.dispose(x);
    trained.dispose();
    fresh.dispose();
  });
});
