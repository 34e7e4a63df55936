import {
  createContainer,
  Tokens,
  Trainer,
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
import { evaluateRepresentations, formatAccuracyTable, rawPixelFeaturizer, type RepresentationRow } from '@infomax/eval';
import { globalNceModule } from './global-nce-plugin';
import type { GlobalNceObjective } from './global-nce-objective';

export interface NewObjectiveOptions {
  steps: number;
  batchSize: number;
  seed: number;
  /** Synthetic 32x32x3 images to train on (and to fit the probes on). */
  trainImages: number;
  /** Held-out images (another seed) the probes are scored on. */
  testImages: number;
  ndf: number;
  nRkhs: number;
  /** Units of the critic's projection head. */
  projection: number;
  learningRate: number;
  /** Epochs of the linear probe (minibatches of 256; a few hundred rows need many epochs). */
  probeEpochs: number;
  /** L2 strengths the probe chooses from on a held-out part of the train split. */
  probeWeightDecays: number[];
  /** Neighbours of the kNN classifier; 0 skips kNN. */
  knnK: number;
  onStep?: (step: number, loss: number) => void;
  onProgress?: (message: string) => void;
}

export const NEW_OBJECTIVE_DEFAULTS: Omit<NewObjectiveOptions, 'onStep' | 'onProgress'> = {
  steps: 80,
  batchSize: 32,
  seed: 0,
  trainImages: 1024,
  testImages: 512,
  ndf: 8,
  nRkhs: 64,
  projection: 64,
  learningRate: 2e-3,
  probeEpochs: 60,
  probeWeightDecays: [1e-4, 1e-2],
  knnK: 10,
};

export interface NewObjectiveResult {
  losses: number[];
  finalMetrics: Record<string, number>;
  /** raw pixels, the untrained encoder, the trained encoder. */
  rows: RepresentationRow[];
  table: string;
  objectiveConfig: Record<string, unknown>;
  seconds: number;
}

/** The modules of the library plus ours: 'global-nce' joins 'amdim', 'dim' and 'cpc'. */
export function newObjectiveContainer(options: Pick<NewObjectiveOptions, 'seed' | 'ndf' | 'nRkhs' | 'projection'>) {
  return createContainer({
    modules: [boundsModule, criticsModule, encodersModule, viewsModule, objectivesModule, globalNceModule],
    config: {
      seed: options.seed,
      objective: {
        name: 'global-nce',
        options: {
          inputShape: [32, 32, 3],
          encoder: { name: 'amdim', options: { ndf: options.ndf, nRkhs: options.nRkhs } },
          critic: { name: 'dot-product', options: { heads: 'dim-encode', shareHead: true, scaleBySqrtDim: true, units: options.projection } },
          bound: { name: 'infonce' },
        },
      },
      viewGenerator: { name: 'two-view', options: { preset: 'amdim-cifar' } },
    },
  });
}

/**
 * Trains the new objective on synthetic shapes with core's Trainer, then fits linear probes
 * (and kNN) on frozen features: raw pixels, the same encoder untrained (another seed), and the
 * trained encoder, all scored on held-out images.
 */
export async function runNewObjective(options: Partial<NewObjectiveOptions> = {}): Promise<NewObjectiveResult> {
  const o = { ...NEW_OBJECTIVE_DEFAULTS, ...options };
  const started = performance.now();
  const container = newObjectiveContainer(o);
  const objective = container.get<Objective>(Tokens.Objective) as GlobalNceObjective;
  const views = container.get<ViewGenerator>(Tokens.ViewGenerator);
  // The random-encoder baseline: the same configuration built with another seed, never trained.
  const untrained = newObjectiveContainer({ ...o, seed: o.seed + 1000 }).get<Objective>(Tokens.Objective) as GlobalNceObjective;
  const train = createSyntheticShapes({ count: o.trainImages, imageSize: 32, seed: o.seed, name: 'shapes-train' });
  const test = createSyntheticShapes({ count: o.testImages, imageSize: 32, seed: o.seed + 1, name: 'shapes-test' });

  const losses: number[] = [];
  let finalMetrics: Record<string, number> = {};
  const hooks: TrainerHooks = {
    onStepEnd: ({ step, loss }) => {
      losses.push(loss);
      o.onStep?.(step + 1, loss);
    },
    onLog: (record) => {
      finalMetrics = { ...record };
    },
  };
  const trainer = new Trainer({
    objective,
    data: train,
    views,
    rng: o.seed,
    hooks: [hooks],
    config: {
      batchSize: o.batchSize,
      steps: o.steps,
      logEvery: Math.max(1, Math.min(10, o.steps)),
      optimizers: { main: { learningRate: o.learningRate } },
    },
  });
  try {
    await trainer.run();
    const rows = await evaluateRepresentations({
      train,
      test,
      numClasses: train.numClasses ?? 10,
      candidates: [
        { name: 'raw pixels', featurize: rawPixelFeaturizer() },
        { name: 'untrained encoder (f1)', featurize: (x) => untrained.features(x) },
        { name: `global-nce, ${o.steps} steps (f1)`, featurize: (x) => objective.features(x) },
      ],
      options: {
        batchSize: 128,
        linearProbe: { epochs: o.probeEpochs, batchSize: 256, learningRate: 3e-3, weightDecayCandidates: o.probeWeightDecays, seed: o.seed },
        knn: o.knnK > 0 ? { k: o.knnK, metric: 'cosine' } : false,
        onProgress: ({ candidate, stage }) => stage !== 'done' && o.onProgress?.(`${candidate}: ${stage}`),
      },
    });
    return {
      losses,
      finalMetrics,
      rows,
      table: formatAccuracyTable(rows),
      objectiveConfig: objective.getConfig(),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    trainer.dispose();
    objective.dispose();
    untrained.dispose();
  }
}
