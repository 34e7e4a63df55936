import { usageError } from '../errors/cli-error';
import type { Preset } from './preset';
import { centredNormalization, imageShape, lengthOrDefault, probeFor } from './preset-helpers';

/**
 * Deep InfoMax, DIM(L) (Hjelm et al. 2019): the "basic" conv encoder (28x28 or 32x32, so
 * Fashion-MNIST needs no padding), local objective only (alpha 0, beta 1) with a little prior
 * matching (gamma 0.1), JSD bound, no augmentation, Adam 1e-4, batch 64.
 */
export const dimPreset: Preset = {
  name: 'dim',
  description: 'Deep InfoMax DIM(L): basic conv encoder, local JSD objective, prior matching 0.1',
  data: () => ({}),
  build({ data, trainer }) {
    const [height, width, channels] = imageShape(data, 'dim');
    if (height !== width || (height !== 28 && height !== 32)) {
      throw usageError(
        `the dim preset's encoder takes 28x28 or 32x32 images, but the data gives ${height}x${width}`,
        'set data.size: 32 (image folders) or data.padTo: 32 with --set',
      );
    }
    return {
      notes: [],
      config: {
        objective: {
          name: 'dim',
          options: {
            inputShape: [height, width, channels],
            // DIM(L): alpha 0, beta 1, gamma 0.1.
            preset: 'local',
            encoder: { name: 'dim-basic', options: { inputSize: height, inChannels: channels } },
            bound: { name: 'jsd' },
            probe: probeFor(data),
          },
        },
        viewGenerator: { name: 'identity', options: { normalize: centredNormalization(channels) } },
        trainer: {
          batchSize: trainer.batchSize ?? 64,
          ...lengthOrDefault(trainer, 2000),
          logEvery: 10,
          checkpointEvery: 200,
          optimizers: { main: { learningRate: 1e-4 } },
        },
      },
    };
  },
};
