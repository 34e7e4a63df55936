import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@infomax/core';
import { NEW_OBJECTIVE_DEFAULTS, runNewObjective } from './run-new-objective';

const d = NEW_OBJECTIVE_DEFAULTS;
const USAGE = `Usage: pnpm start [options]
  --steps N        training steps                            (default ${d.steps})
  --batch N        images per batch                          (default ${d.batchSize})
  --train N        synthetic 32x32x3 training images         (default ${d.trainImages})
  --test N         held-out images for the probes            (default ${d.testImages})
  --ndf N          AMDIM encoder width                       (default ${d.ndf})
  --rkhs N         size of f1, the global vector             (default ${d.nRkhs})
  --lr X           Adam learning rate                        (default ${d.learningRate})
  --probe-epochs N linear probe epochs                       (default ${d.probeEpochs})
  --seed N         (default ${d.seed})
  --backend NAME   wasm or cpu                               (default wasm)`;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: String(d.steps) },
      batch: { type: 'string', default: String(d.batchSize) },
      train: { type: 'string', default: String(d.trainImages) },
      test: { type: 'string', default: String(d.testImages) },
      ndf: { type: 'string', default: String(d.ndf) },
      rkhs: { type: 'string', default: String(d.nRkhs) },
      lr: { type: 'string', default: String(d.learningRate) },
      'probe-epochs': { type: 'string', default: String(d.probeEpochs) },
      seed: { type: 'string', default: String(d.seed) },
      backend: { type: 'string', default: 'wasm' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  await useBackend(values.backend);
  console.log(`backend: ${tf.getBackend()}`);

  const steps = Number(values.steps);
  const every = Math.max(1, Math.round(steps / 8));
  let window: number[] = [];
  const result = await runNewObjective({
    steps,
    batchSize: Number(values.batch),
    trainImages: Number(values.train),
    testImages: Number(values.test),
    ndf: Number(values.ndf),
    nRkhs: Number(values.rkhs),
    learningRate: Number(values.lr),
    probeEpochs: Number(values['probe-epochs']),
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

  const { losses, finalMetrics: m, objectiveConfig: c } = result;
  const k = Math.max(1, Math.min(10, Math.floor(losses.length / 3)));
  console.log(`\nobjective '${String(c.name)}', built by the container from:`);
  console.log(`  encoder ${JSON.stringify(c.encoder)}, feature '${String(c.feature)}'`);
  console.log(`  critic  ${JSON.stringify(c.critic)}`);
  console.log(`  bound   '${String(c.bound)}'`);
  console.log(`training loss: first ${k} steps ${mean(losses.slice(0, k)).toFixed(3)} -> last ${k} steps ${mean(losses.slice(-k)).toFixed(3)}`);
  console.log(`last logged: estimate ${m.estimate?.toFixed(3)} nats (at most log B = ${Math.log(Number(values.batch)).toFixed(3)}), view-matching accuracy ${((m.accuracy ?? 0) * 100).toFixed(1)} %`);
  console.log(`\n${result.table}`);
  console.log(`\n${result.seconds.toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
