import { usageError } from '../errors/cli-error';
import type { Preset } from './preset';
import {
  centredNormalization,
  imageShape,
  isCifar,
  lengthOrDefault,
  probeFor,
  scaledWarmup,
  totalSteps,
} from './preset-helpers';

const NOMINAL_WARMUP = 500;

/**
 * AMDIM (Bachman et al. 2019) at the size of the project's amdim-bench: the 32x32 encoder with
 * ndf 32 and n_rkhs 256 (about a million parameters), small enough for 2 CPU cores; the
 * paper's models are 10-50x wider and train for days on GPUs. Multiscale NCE (1->5, 1->7, 5->5)
 * with score clipping 20 and l2 0.05, AMDIM's CIFAR views, Adam 2e-4 with betas (0.8, 0.999),
 * a 500-step warm-up and lr x0.2 at 80 % of training, and online linear + MLP probes.
 */
export const amdimPreset: Preset = {
  name: 'amdim',
  description: 'AMDIM, 32x32 encoder ndf 32 / n_rkhs 256 (CPU-sized), two augmented views, online probe',
  // The encoder takes 32x32: Fashion-MNIST's 28x28 images are zero-padded (centred).
  data: () => ({ padTo: 32 }),
  build({ data, trainer }) {
    const [height, width, channels] = imageShape(data, 'amdim');
    if (height !== 32 || width !== 32) {
      throw usageError(
        `the amdim preset trains the 32x32 AMDIM encoder, but the data gives ${height}x${width} images`,
        'set data.padTo: 32 (smaller images) or data.size: 32 (image folders) with --set',
      );
    }
    const notes: string[] = [];
    const batchSize = trainer.batchSize ?? 32;
    const length = lengthOrDefault(trainer, 1000);
    const total = totalSteps({ ...trainer, ...length, batchSize }, data.source.size);
    return {
      notes,
      config: {
        objective: {
          name: 'amdim',
          options: {
            inputShape: [32, 32, channels],
            encoder: { name: 'amdim', options: { inputSize: 32, ndf: 32, nRkhs: 256, depth: 1, inChannels: channels } },
            bound: { name: 'infonce', options: { clip: 20, l2: 0.05 } },
            probe: probeFor(data, 128),
          },
        },
        viewGenerator: {
          name: 'two-view',
          // On 1-channel data the colour jitter and grayscale steps change nothing.
          options: { preset: 'amdim-cifar', ...(isCifar(data) ? {} : { normalize: centredNormalization(channels) }) },
        },
        trainer: {
          batchSize,
          ...length,
          logEvery: 10,
          checkpointEvery: 200,
          optimizers: {
            main: {
              learningRate: 2e-4,
              beta1: 0.8,
              beta2: 0.999,
              warmupSteps: scaledWarmup(NOMINAL_WARMUP, total, notes),
              decays: [{ atFraction: 0.8, factor: 0.2 }],
            },
          },
        },
      },
    };
  },
};
