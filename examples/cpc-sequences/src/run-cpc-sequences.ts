import * as tf from '@tensorflow/tfjs';
import {
  createContainer,
  Tokens,
  Trainer,
  type Objective,
  type ViewGenerator,
} from '@infomax/core';
import { boundsModule } from '@infomax/bounds';
import { criticsModule } from '@infomax/critics';
import { encodersModule } from '@infomax/encoders';
import { viewsModule } from '@infomax/views';
import { objectivesModule, type CpcObjective } from '@infomax/objectives';
import { createSyntheticSequences } from '@infomax/data';
import { evaluateRepresentations, formatAccuracyTable, rawPixelFeaturizer, type RepresentationRow } from '@infomax/eval';

/** The CPC encoder's total stride: 5 * 4 * 2 * 2 * 2 samples per frame. */
export const SAMPLES_PER_FRAME = 160;

export interface CpcSequencesOptions {
  steps: number;
  batchSize: number;
  seed: number;
  /** Labelled synthetic sequences to train on (and to fit the probes on). */
  trainSequences: number;
  /** Held-out sequences (another seed) the probes are scored on. */
  testSequences: number;
  /** Samples per sequence. */
  sequenceLength: number;
  /** Samples per training window (a random crop of each sequence): window / 160 frames. */
  window: number;
  numClasses: number;
  /** Standard deviation of the white noise added to every sample (the sinusoids' amplitudes are 0.3-0.5). */
  noise: number;
  /** Channels of the strided encoder's frames z_t (512 in the paper). */
  channels: number;
  /** Size of the GRU's contexts c_t (256 in the paper). */
  contextSize: number;
  /** K: frames predicted ahead (12 in the paper; must be below window / 160). */
  predictionSteps: number;
  /** The bilinear critic's negatives: other sequences at the same step, or at every step too. */
  negatives: 'same-step' | 'all-steps';
  learningRate: number;
  probeEpochs: number;
  onStep?: (step: number, loss: number) => void;
  onProgress?: (message: string) => void;
}

export const CPC_SEQUENCES_DEFAULTS: Omit<CpcSequencesOptions, 'onStep' | 'onProgress'> = {
  steps: 150,
  batchSize: 16,
  seed: 0,
  trainSequences: 512,
  testSequences: 256,
  sequenceLength: 4096,
  window: 2560,
  numClasses: 8,
  // Strong noise: only the sinusoids are predictable, so this is where CPC should beat a
  // random encoder (at the data set's default 0.1 a random one is already near-perfect).
  noise: 0.6,
  channels: 64,
  contextSize: 64,
  predictionSteps: 6,
  negatives: 'same-step',
  learningRate: 5e-4,
  probeEpochs: 60,
};

export interface CpcSequencesResult {
  losses: number[];
  /** The last logged record: estimate, accuracy and accuracy_k1..K of the predictions, ... */
  finalMetrics: Record<string, number>;
  /**
   * raw samples, untrained CPC (another seed), trained CPC: mean-pooled contexts c_t (the
   * objective's `features`) and, for comparison, mean-pooled frames z_t, of whole sequences.
   */
  rows: RepresentationRow[];
  table: string;
  frames: { window: number; sequence: number };
  seconds: number;
}

/** The library's modules; CPC, its encoder, GRU, bilinear critic and bound all chosen by name. */
export function cpcContainer(o: Pick<CpcSequencesOptions, 'seed' | 'window' | 'channels' | 'contextSize' | 'predictionSteps' | 'negatives'>) {
  return createContainer({
    modules: [boundsModule, criticsModule, encodersModule, viewsModule, objectivesModule],
    config: {
      seed: o.seed,
      objective: {
        name: 'cpc',
        options: {
          mode: 'sequence',
          inputShape: [o.window, 1],
          encoder: { name: 'cpc-strided-1d', options: { channels: o.channels } },
          contextNetwork: { name: 'gru', options: { hiddenSize: o.contextSize } },
          critic: { name: 'bilinear', options: { negatives: o.negatives } },
          bound: { name: 'infonce' },
          steps: o.predictionSteps,
        },
      },
      viewGenerator: { name: 'temporal-window', options: { length: o.window } },
    },
  });
}

/**
 * Trains CPC on windows of synthetic sequences with core's Trainer, then fits linear probes on
 * frozen features of whole sequences (longer than the training windows: the encoder and the GRU
 * run on any length): the raw samples, CPC untrained (another seed) and CPC trained.
 */
export async function runCpcSequences(options: Partial<CpcSequencesOptions> = {}): Promise<CpcSequencesResult> {
  const o = { ...CPC_SEQUENCES_DEFAULTS, ...options };
  if (o.window > o.sequenceLength) throw new Error(`window (${o.window}) must not exceed sequenceLength (${o.sequenceLength})`);
  const started = performance.now();
  const container = cpcContainer(o);
  const objective = container.get<Objective>(Tokens.Objective) as CpcObjective;
  const views = container.get<ViewGenerator>(Tokens.ViewGenerator);
  const untrained = cpcContainer({ ...o, seed: o.seed + 1000 }).get<Objective>(Tokens.Objective) as CpcObjective;
  const data = (count: number, seed: number, name: string) =>
    createSyntheticSequences({ count, length: o.sequenceLength, numClasses: o.numClasses, noise: o.noise, seed, name });
  const train = data(o.trainSequences, o.seed, 'sequences-train');
  const test = data(o.testSequences, o.seed + 1, 'sequences-test');

  const losses: number[] = [];
  let finalMetrics: Record<string, number> = {};
  const trainer = new Trainer({
    objective,
    data: train,
    views,
    rng: o.seed,
    hooks: [
      {
        onStepEnd: ({ step, loss }) => {
          losses.push(loss);
          o.onStep?.(step + 1, loss);
        },
        onLog: (record) => {
          finalMetrics = { ...record };
        },
      },
    ],
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
      numClasses: o.numClasses,
      candidates: [
        { name: 'raw samples', featurize: rawPixelFeaturizer() },
        { name: 'CPC untrained (pooled c_t)', featurize: (x) => untrained.features(x) },
        { name: `CPC, ${o.steps} steps (pooled c_t)`, featurize: (x) => objective.features(x) },
        { name: `CPC, ${o.steps} steps (pooled z_t)`, featurize: (x) => tf.mean(objective.encoder.apply(x, { training: false }).frames!, 1) },
      ],
      options: {
        batchSize: 64,
        linearProbe: { epochs: o.probeEpochs, batchSize: 256, learningRate: 3e-3, weightDecayCandidates: [1e-4, 1e-2], seed: o.seed },
        knn: { k: 10, metric: 'cosine' },
        onProgress: ({ candidate, stage }) => stage !== 'done' && o.onProgress?.(`${candidate}: ${stage}`),
      },
    });
    return {
      losses,
      finalMetrics,
      rows,
      table: formatAccuracyTable(rows),
      frames: { window: Math.floor(o.window / SAMPLES_PER_FRAME), sequence: Math.floor(o.sequenceLength / SAMPLES_PER_FRAME) },
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    trainer.dispose();
    objective.dispose();
    untrained.dispose();
  }
}
