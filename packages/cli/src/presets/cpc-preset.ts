import type { OpenedData } from '../run/open-data';
import type { Preset, PresetResult, TrainerLength } from './preset';
import { centredNormalization, lengthOrDefault, probeFor } from './preset-helpers';

/**
 * Contrastive Predictive Coding (van den Oord et al. 2018). On sequences (`--data
 * synthetic-sequences`): the paper's strided 1-D encoder (128 channels, as in cpc-bench), a
 * GRU of 128, K = 12 bilinear predictors over 20480-sample windows, batch 8. On images: a
 * grid of 8x8 patches with stride 4, a small patch encoder and a masked-conv context network
 * predicting rows below from rows above.
 */
export const cpcPreset: Preset = {
  name: 'cpc',
  description: 'CPC: sequence mode on --data synthetic-sequences, image (patch-grid) mode on images',
  data: (choice) => (choice.name === 'synthetic-sequences' ? { sequenceLength: 20480, count: 1000 } : {}),
  build({ data, trainer }) {
    return data.source.exampleShape.length === 2 ? sequenceMode(data, trainer) : imageMode(data, trainer);
  },
};

function sequenceMode(data: OpenedData, trainer: TrainerLength): PresetResult {
  const [length, channels] = data.source.exampleShape as [number, number];
  const window = Math.min(20480, length);
  return {
    notes: [],
    config: {
      objective: {
        name: 'cpc',
        options: {
          mode: 'sequence',
          inputShape: [window, channels],
          encoder: { name: 'cpc-strided-1d', options: { channels: 128 } },
          contextNetwork: { name: 'gru', options: { hiddenSize: 128 } },
          // K = 12 steps ahead (fewer when the window has fewer frames).
          bound: { name: 'infonce' },
          probe: probeFor(data),
        },
      },
      viewGenerator: { name: 'temporal-window', options: { length: window } },
      trainer: {
        batchSize: trainer.batchSize ?? 8,
        ...lengthOrDefault(trainer, 1000),
        logEvery: 10,
        checkpointEvery: 200,
        optimizers: { main: { learningRate: 2e-4 } },
      },
    },
  };
}

function imageMode(data: OpenedData, trainer: TrainerLength): PresetResult {
  const [height, width, channels] = data.source.exampleShape as [number, number, number];
  return {
    notes: [],
    config: {
      objective: {
        name: 'cpc',
        options: {
          mode: 'image',
          inputShape: [height, width, channels],
          // Layer norm instead of batch norm, as in CPC v2.
          encoder: { name: 'cpc-patch', options: { norm: 'layer' } },
          contextNetwork: { name: 'masked-conv' },
          // K = 2 rows ahead; the grid's patch size and stride match the view generator's.
          bound: { name: 'infonce' },
          patchSize: 8,
          stride: 4,
          probe: probeFor(data),
        },
      },
      viewGenerator: { name: 'patch-grid', options: { patchSize: 8, stride: 4, augment: { normalize: centredNormalization(channels) } } },
      trainer: {
        batchSize: trainer.batchSize ?? 32,
        ...lengthOrDefault(trainer, 2000),
        logEvery: 10,
        checkpointEvery: 200,
        optimizers: { main: { learningRate: 2e-4 } },
      },
    },
  };
}
