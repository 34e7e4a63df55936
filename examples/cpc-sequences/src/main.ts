import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@infomax/core';
import { CPC_SEQUENCES_DEFAULTS, runCpcSequences } from './run-cpc-sequences';

const d = CPC_SEQUENCES_DEFAULTS;
const USAGE = `Usage: pnpm start [options]
  --steps N        training steps                                    (default ${d.steps})
  --batch N        sequences per batch (each gives a random window)  (default ${d.batchSize})
  --train N        training sequences                                (default ${d.trainSequences})
  --test N         held-out sequences for the probes                 (default ${d.testSequences})
  --length N       samples per sequence                              (default ${d.sequenceLength})
  --window N       samples per training window (160 per frame)       (default ${d.window})
  --noise X        white-noise std (sinusoid amplitudes 0.3-0.5)     (default ${d.noise})
  --k N            frames predicted ahead                            (default ${d.predictionSteps})
  --negatives M    same-step or all-steps                            (default ${d.negatives})
  --lr X           Adam learning rate                                (default ${d.learningRate})
  --seed N         (default ${d.seed})
  --backend NAME   wasm or cpu                                       (default wasm)`;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: String(d.steps) },
      batch: { type: 'string', default: String(d.batchSize) },
      train: { type: 'string', default: String(d.trainSequences) },
      test: { type: 'string', default: String(d.testSequences) },
      length: { type: 'string', default: String(d.sequenceLength) },
      window: { type: 'string', default: String(d.window) },
      noise: { type: 'string', default: String(d.noise) },
      k: { type: 'string', default: String(d.predictionSteps) },
      negatives: { type: 'string', default: d.negatives },
      lr: { type: 'string', default: String(d.learningRate) },
      seed: { type: 'string', default: String(d.seed) },
      backend: { type: 'string', default: 'wasm' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.negatives !== 'same-step' && values.negatives !== 'all-steps') throw new Error(`--negatives must be same-step or all-steps\n${USAGE}`);
  await useBackend(values.backend);
  console.log(`backend: ${tf.getBackend()}`);

  const steps = Number(values.steps);
  const every = Math.max(1, Math.round(steps / 10));
  let window: number[] = [];
  const result = await runCpcSequences({
    steps,
    batchSize: Number(values.batch),
    trainSequences: Number(values.train),
    testSequences: Number(values.test),
    sequenceLength: Number(values.length),
    window: Number(values.window),
    noise: Number(values.noise),
    predictionSteps: Number(values.k),
    negatives: values.negatives,
    learningRate: Number(values.lr),
    seed: Number(values.seed),
    onStep: (step, loss) => {
      window.push(loss);
      if (step % every === 0 || step === steps) {
        console.log(`step ${String(step).padStart(4)}  loss ${mean(window).toFixed(3)} (mean of the last ${window.length})`);
        window = [];
      }
    },
    onProgress: (message) => console.log(`  evaluating ${message}`),
  });

  const { losses, finalMetrics: m, frames } = result;
  const k = Math.max(1, Math.min(10, Math.floor(losses.length / 3)));
  const K = Number(values.k);
  console.log(`\nwindows of ${values.window} samples = ${frames.window} frames; probes see whole sequences of ${values.length} samples = ${frames.sequence} frames`);
  console.log(`training loss: first ${k} steps ${mean(losses.slice(0, k)).toFixed(3)} -> last ${k} steps ${mean(losses.slice(-k)).toFixed(3)}`);
  // Candidates per prediction: the batch's sequences at that step, or at every scored step too.
  const candidates = Number(values.batch) * (values.negatives === 'same-step' ? 1 : frames.window - K);
  console.log(
    `last logged: estimate ${m.estimate?.toFixed(3)} nats (at most log ${candidates} = ${Math.log(candidates).toFixed(3)}), ` +
      `prediction accuracy ${((m.accuracy ?? 0) * 100).toFixed(1)} % (chance ${(100 / candidates).toFixed(1)} %)`,
  );
  console.log(`  per step k: ${Array.from({ length: K }, (_, i) => `k${i + 1} ${((m[`accuracy_k${i + 1}`] ?? 0) * 100).toFixed(0)} %`).join(', ')}`);
  console.log(`\n${result.table}`);
  console.log(`\n${result.seconds.toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
