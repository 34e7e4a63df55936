import {
  createContainer,
  Tokens,
  Trainer,
  type DataSource,
  type Objective,
  type PluginRegistries,
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
import { cosineCriticModule } from './cosine-critic-plugin';

export interface CustomCriticOptions {
  steps: number;
  batchSize: number;
  seed: number;
  /** Synthetic 32x32x3 shape images to train on. */
  imageCount: number;
  /** Width of the AMDIM encoder (f5 / f7 have 4 ndf channels). */
  ndf: number;
  /** Size of f1 and of the critic's embeddings. */
  nRkhs: number;
  learningRate: number;
  initialTemperature: number;
  /** Images of the fixed batch whose loss is measured before and after training. */
  evalImages: number;
  /** Called after every update with its loss (e.g. to print progress). */
  onStep?: (step: number, loss: number) => void;
}

export const CUSTOM_CRITIC_DEFAULTS: Omit<CustomCriticOptions, 'onStep'> = {
  steps: 60,
  batchSize: 32,
  seed: 0,
  imageCount: 512,
  ndf: 8,
  nRkhs: 32,
  learningRate: 2e-3,
  initialTemperature: 0.1,
  evalImages: 64,
};

/** Everything a run is made of, built from the container by name. */
export interface CustomCriticSetup {
  objective: Objective;
  views: ViewGenerator;
  data: DataSource;
  trainer: Trainer;
  /** The critic names the container knows: the library's and ours. */
  registeredCritics: string[];
  dispose(): void;
}

export interface CustomCriticResult {
  /** Loss of every update, in order (each on its own batch and random views). */
  losses: number[];
  /** Loss on one fixed batch with fixed views, before and after training. */
  fixedBatchLoss: { before: number; after: number };
  /** tau of AMDIM's 5x5 and 7x7 critics before and after training. */
  temperatures: { before: CriticTemperatures; after: CriticTemperatures };
  /** The last logged record: the three NCE terms, the regulariser, the estimate, ... */
  finalMetrics: Record<string, number>;
  registeredCritics: string[];
  /** Trainable parameters of the objective (encoder + both critics). */
  parameters: number;
  seconds: number;
}

export interface CriticTemperatures {
  critic5: number;
  critic7: number;
}

/**
 * The container a user builds: the library's modules plus ours. AMDIM is selected by name and
 * its `localCritic` option names our 'cosine' critic; AMDIM fills in the channel counts.
 */
export function buildCustomCriticSetup(options: Partial<CustomCriticOptions> = {}, hooks: TrainerHooks[] = []): CustomCriticSetup {
  const o = { ...CUSTOM_CRITIC_DEFAULTS, ...options };
  const container = createContainer({
    modules: [boundsModule, criticsModule, encodersModule, viewsModule, objectivesModule, cosineCriticModule],
    config: {
      seed: o.seed,
      objective: {
        name: 'amdim',
        options: {
          inputShape: [32, 32, 3],
          encoder: { name: 'amdim', options: { ndf: o.ndf, nRkhs: o.nRkhs } },
          localCritic: { name: 'cosine', options: { initialTemperature: o.initialTemperature } },
        },
      },
      // AMDIM's CIFAR views (shared flip, translate, colour jitter, grayscale, normalise).
      viewGenerator: { name: 'two-view', options: { preset: 'amdim-cifar' } },
    },
  });
  const objective = container.get<Objective>(Tokens.Objective);
  const views = container.get<ViewGenerator>(Tokens.ViewGenerator);
  const registeredCritics = container.get<PluginRegistries>(Tokens.PluginRegistries).of('critic').names();
  const data = createSyntheticShapes({ count: o.imageCount, imageSize: 32, seed: o.seed });
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
      // AMDIM's Adam betas; a larger rate than its 2e-4 so a short run visibly learns.
      optimizers: { main: { learningRate: o.learningRate, beta1: 0.8, beta2: 0.999 } },
    },
  });
  return {
    objective,
    views,
    data,
    trainer,
    registeredCritics,
    dispose: () => {
      trainer.dispose();
      objective.dispose();
    },
  };
}

/**
 * tau of one of AMDIM's critics, read from the objective's variables by path: AMDIM adds its
 * critics as `critic5` and `critic7`, and ours stores log(1 / tau) as `log_scale`.
 */
export function criticTemperature(objective: Objective, role: 'critic5' | 'critic7'): number {
  const logScale = objective.namedVariables().get(`${role}/log_scale`);
  if (!logScale) throw new Error(`objective has no variable '${role}/log_scale': is its local critic 'cosine'?`);
  return Math.exp(-logScale.dataSync()[0]!);
}

/** Trains a small AMDIM whose local critic is the user's 'cosine' plugin. */
export async function trainWithCustomCritic(options: Partial<CustomCriticOptions> = {}): Promise<CustomCriticResult> {
  const started = performance.now();
  const losses: number[] = [];
  let finalMetrics: Record<string, number> = {};
  const setup = buildCustomCriticSetup(options, [
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
  const { trainer, objective } = setup;
  const temperatures = (): CriticTemperatures => ({
    critic5: criticTemperature(objective, 'critic5'),
    critic7: criticTemperature(objective, 'critic7'),
  });
  const o = { ...CUSTOM_CRITIC_DEFAULTS, ...options };
  const measure = () => fixedBatchLoss(objective, setup.views, setup.data, { count: o.evalImages, seed: o.seed });
  try {
    const before = temperatures();
    const lossBefore = await measure();
    await trainer.run();
    return {
      losses,
      fixedBatchLoss: { before: lossBefore, after: await measure() },
      temperatures: { before, after: temperatures() },
      finalMetrics,
      registeredCritics: setup.registeredCritics,
      parameters: objective.trainableVariables.reduce((n, v) => n + v.size, 0),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    setup.dispose();
  }
}
