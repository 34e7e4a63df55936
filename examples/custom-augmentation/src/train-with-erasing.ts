import * as tf from '@tensorflow/tfjs';
import {
  createContainer,
  Rng,
  Tokens,
  Trainer,
  type DataSource,
  type Objective,
  type TrainerHooks,
  type ViewGenerator,
} from '@infomax/core';
import { boundsModule } from '@infomax/bounds';
import { criticsModule } from '@infomax/critics';
import { encodersModule } from '@infomax/encoders';
import { viewsModule } from '@infomax/views';
import { objectivesModule } from '@infomax/objectives';
import { createSyntheticShapes } from '@infomax/data';
import { fixedBatchLoss } from './fixed-batch-loss';
import { erasingViewsModule, type ErasingViewsOptions } from './erasing-views-plugin';

export interface ErasingExperimentOptions {
  steps: number;
  batchSize: number;
  seed: number;
  /** Synthetic 28x28x1 shape images (zero-padded to 32x32, as Fashion-MNIST would be). */
  imageCount: number;
  ndf: number;
  nRkhs: number;
  learningRate: number;
  /** Images of the fixed batch whose loss is measured before and after training. */
  evalImages: number;
  /** Options of the 'two-view-erasing' plugin (its `erasing` section and any two-view field). */
  views: ErasingViewsOptions;
  onStep?: (step: number, loss: number) => void;
}

export const ERASING_DEFAULTS: Omit<ErasingExperimentOptions, 'onStep'> = {
  steps: 40,
  batchSize: 32,
  seed: 0,
  imageCount: 512,
  ndf: 8,
  nRkhs: 32,
  learningRate: 2e-3,
  evalImages: 64,
  views: {
    // One channel: colour jitter keeps brightness and contrast; grayscale is a no-op.
    preset: 'amdim-cifar',
    // Pixel mean and std of the padded synthetic images (measured on 512 of them).
    normalize: { mean: [0.37], std: [0.34] },
    erasing: { p: 0.5, scale: [0.02, 0.25], value: 0.5 },
  },
};

export interface ErasingSetup {
  container: ReturnType<typeof createContainer>;
  objective: Objective;
  views: ViewGenerator;
  data: DataSource;
  trainer: Trainer;
  dispose(): void;
}

export interface ErasingResult {
  /** Loss of every update, in order (each on its own batch and random views). */
  losses: number[];
  /** Loss on one fixed batch with fixed views, before and after training. */
  fixedBatchLoss: { before: number; after: number };
  finalMetrics: Record<string, number>;
  /** The view generator's own description: shows the erasing step inside each view's pipeline. */
  viewConfig: Record<string, unknown>;
  seconds: number;
}

/**
 * A container with the library's modules plus ours: the trainer's view generator is
 * 'two-view-erasing', selected by name like any built-in one; the objective is a small AMDIM.
 */
export function buildErasingSetup(options: Partial<ErasingExperimentOptions> = {}, hooks: TrainerHooks[] = []): ErasingSetup {
  const o = { ...ERASING_DEFAULTS, ...options };
  const container = createContainer({
    modules: [boundsModule, criticsModule, encodersModule, viewsModule, objectivesModule, erasingViewsModule],
    config: {
      seed: o.seed,
      viewGenerator: { name: 'two-view-erasing', options: o.views as Record<string, unknown> },
      objective: {
        name: 'amdim',
        options: { inputShape: [32, 32, 1], encoder: { name: 'amdim', options: { ndf: o.ndf, nRkhs: o.nRkhs, inChannels: 1 } } },
      },
    },
  });
  const objective = container.get<Objective>(Tokens.Objective);
  const views = container.get<ViewGenerator>(Tokens.ViewGenerator);
  const data = createSyntheticShapes({ count: o.imageCount, imageSize: 28, imageChannels: 1, padTo: 32, seed: o.seed });
  const trainer = new Trainer({
    objective,
    data,
    views,
    rng: o.seed,
    hooks,
    config: {
      batchSize: o.batchSize,
      steps: o.steps,
      logEvery: Math.max(1, Math.min(10, o.steps)),
      optimizers: { main: { learningRate: o.learningRate, beta1: 0.8, beta2: 0.999 } },
    },
  });
  return {
    container,
    objective,
    views,
    data,
    trainer,
    dispose: () => {
      trainer.dispose();
      objective.dispose();
    },
  };
}

/** Trains a small AMDIM on views made by the user's 'two-view-erasing' generator. */
export async function trainWithErasing(options: Partial<ErasingExperimentOptions> = {}): Promise<ErasingResult> {
  const started = performance.now();
  const losses: number[] = [];
  let finalMetrics: Record<string, number> = {};
  const setup = buildErasingSetup(options, [
    {
      onStepEnd: ({ step, loss }) => {
        losses.push(loss);
        options.onStep?.(step + 1, loss);
      },
      onLog: (record) => {
        finalMetrics = { ...record };
      },
    },
  ]);
  const o = { ...ERASING_DEFAULTS, ...options };
  const measure = () => fixedBatchLoss(setup.objective, setup.views, setup.data, { count: o.evalImages, seed: o.seed });
  try {
    const before = await measure();
    await setup.trainer.run();
    const after = await measure();
    return { losses, fixedBatchLoss: { before, after }, finalMetrics, viewConfig: setup.views.getConfig(), seconds: (performance.now() - started) / 1000 };
  } finally {
    setup.dispose();
  }
}

/** One image and its two views, as [H][W] arrays of pixel values (first channel, unnormalised). */
export interface ViewPreview {
  label: number;
  image: number[][];
  view1: number[][];
  view2: number[][];
}

/**
 * Runs the erasing views without normalisation on a few images, for a look at what the
 * transform does (main.ts draws them as text).
 */
export async function previewErasingViews(count: number, seed: number, views: ErasingViewsOptions = ERASING_DEFAULTS.views): Promise<ViewPreview[]> {
  const generator = createContainer({
    modules: [erasingViewsModule],
    config: { seed, viewGenerator: { name: 'two-view-erasing', options: { ...views, normalize: false } as Record<string, unknown> } },
  }).get<ViewGenerator>(Tokens.ViewGenerator);
  const data = createSyntheticShapes({ count, imageSize: 28, imageChannels: 1, padTo: 32, seed });
  const { x, labels } = data.batch(Int32Array.from({ length: count }, (_, i) => i));
  const out = generator.generate(x, new Rng(seed).fork('preview'));
  // First channel as [B, H, W]: one image per row of text.
  const planes = tf.tidy(() => [x, out.view1!, out.view2!].map((t) => tf.squeeze(t, [3])));
  const [images, view1, view2] = (await Promise.all(planes.map((t) => t.array()))) as [number[][][], number[][][], number[][][]];
  const classes = await labels!.array();
  tf.dispose([x, labels, out, planes]);
  return images.map((image, i) => ({ label: classes[i]!, image, view1: view1[i]!, view2: view2[i]! }));
}
