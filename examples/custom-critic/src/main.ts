import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@infomax/core';
import { CUSTOM_CRITIC_DEFAULTS, trainWithCustomCritic } from './train-with-custom-critic';

const d = CUSTOM_CRITIC_DEFAULTS;
const USAGE = `Usage: pnpm start [options]
  --steps N        training steps                          (default ${d.steps})
  --batch N        images per batch                        (default ${d.batchSize})
  --images N       synthetic 32x32x3 images                (default ${d.imageCount})
  --ndf N          AMDIM encoder width                     (default ${d.ndf})
  --rkhs N         f1 / embedding size                     (default ${d.nRkhs})
  --lr X           Adam learning rate                      (default ${d.learningRate})
  --tau X          initial temperature of the critic       (default ${d.initialTemperature})
  --seed N         (default ${d.seed})
  --backend NAME   wasm or cpu                             (default wasm)`;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: String(d.steps) },
      batch: { type: 'string', default: String(d.batchSize) },
      images: { type: 'string', default: String(d.imageCount) },
      ndf: { type: 'string', default: String(d.ndf) },
      rkhs: { type: 'string', default: String(d.nRkhs) },
      lr: { type: 'string', default: String(d.learningRate) },
      tau: { type: 'string', default: String(d.initialTemperature) },
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
  const every = Math.max(1, Math.round(steps / 10));
  let window: number[] = [];
  const result = await trainWithCustomCritic({
    steps,
    batchSize: Number(values.batch),
    imageCount: Number(values.images),
    ndf: Number(values.ndf),
    nRkhs: Number(values.rkhs),
    learningRate: Number(values.lr),
    initialTemperature: Number(values.tau),
    seed: Number(values.seed),
    onStep: (step, loss) => {
      window.push(loss);
      if (step % every === 0 || step === steps) {
        console.log(`step ${String(step).padStart(4)}  loss ${mean(window).toFixed(3)} (mean of the last ${window.length})`);
        window = [];
      }
    },
  });

  const { losses, temperatures: t, finalMetrics: m } = result;
  const k = Math.max(1, Math.min(10, Math.floor(losses.length / 3)));
  console.log(`\ncritics registered: ${result.registeredCritics.join(', ')}`);
  console.log(`AMDIM's localCritic: 'cosine' (ours), ${result.parameters} trainable parameters`);
  console.log(
    `loss on a fixed batch with fixed views: ${result.fixedBatchLoss.before.toFixed(3)} before training -> ` +
      `${result.fixedBatchLoss.after.toFixed(3)} after`,
  );
  console.log(`training loss: first ${k} steps ${mean(losses.slice(0, k)).toFixed(3)} -> last ${k} steps ${mean(losses.slice(-k)).toFixed(3)}`);
  console.log(
    `NCE terms at the end: 1->5 ${m.nce1t5?.toFixed(3)}, 1->7 ${m.nce1t7?.toFixed(3)}, 5->5 ${m.nce5t5?.toFixed(3)}, ` +
      `regulariser ${m.regularizer?.toFixed(3)}, estimate ${m.estimate?.toFixed(3)} nats`,
  );
  console.log(
    `temperature tau: critic5 ${t.before.critic5.toFixed(4)} -> ${t.after.critic5.toFixed(4)}, ` +
      `critic7 ${t.before.critic7.toFixed(4)} -> ${t.after.critic7.toFixed(4)}`,
  );
  console.log(`${result.seconds.toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
