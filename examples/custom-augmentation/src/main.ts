import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@infomax/core';
import { SYNTHETIC_SHAPE_CLASSES } from '@infomax/data';
import { sideBySide } from './ascii-image';
import { ERASING_DEFAULTS, previewErasingViews, trainWithErasing } from './train-with-erasing';

const d = ERASING_DEFAULTS;
const USAGE = `Usage: pnpm start [options]
  --steps N        training steps                              (default ${d.steps})
  --batch N        images per batch                            (default ${d.batchSize})
  --images N       synthetic 28x28x1 images (padded to 32)     (default ${d.imageCount})
  --p X            probability of erasing a box in a view      (default ${d.views.erasing?.p})
  --preview N      images to draw with their two views         (default 2)
  --seed N         (default ${d.seed})
  --backend NAME   wasm or cpu                                 (default wasm)`;

interface TransformConfig {
  name: string;
  p?: number;
  transform?: TransformConfig;
  transforms?: TransformConfig[];
}

/** 'compose' flattened, 'random-apply' shown as the inner transform with its probability. */
function describeTransform(config: TransformConfig): string {
  if (config.transforms) return config.transforms.map(describeTransform).join(' -> ');
  if (config.transform) return `${describeTransform(config.transform)} (p ${config.p})`;
  return config.name;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: String(d.steps) },
      batch: { type: 'string', default: String(d.batchSize) },
      images: { type: 'string', default: String(d.imageCount) },
      p: { type: 'string', default: String(d.views.erasing?.p) },
      preview: { type: 'string', default: '2' },
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
  const seed = Number(values.seed);
  const views = { ...d.views, erasing: { ...d.views.erasing, p: Number(values.p) } };

  // Erasing with p = 1 in the preview, so every view shows a box.
  for (const { label, image, view1, view2 } of await previewErasingViews(Number(values.preview), seed, { ...views, erasing: { ...views.erasing, p: 1 } })) {
    console.log(`\n${sideBySide([
      { caption: `image (${SYNTHETIC_SHAPE_CLASSES[label]})`, image },
      { caption: 'view1', image: view1 },
      { caption: 'view2', image: view2 },
    ])}`);
  }
  console.log();

  const steps = Number(values.steps);
  const every = Math.max(1, Math.round(steps / 8));
  let window: number[] = [];
  const result = await trainWithErasing({
    steps,
    batchSize: Number(values.batch),
    imageCount: Number(values.images),
    seed,
    views,
    onStep: (step, loss) => {
      window.push(loss);
      if (step % every === 0 || step === steps) {
        console.log(`step ${String(step).padStart(4)}  loss ${mean(window).toFixed(3)} (mean of the last ${window.length})`);
        window = [];
      }
    },
  });
  const { losses, finalMetrics: m } = result;
  const k = Math.max(1, Math.min(10, Math.floor(losses.length / 3)));
  console.log(`\nview pipeline (each view, after the shared flip): ${describeTransform(result.viewConfig.view1 as TransformConfig)}`);
  console.log(
    `loss on a fixed batch with fixed views: ${result.fixedBatchLoss.before.toFixed(3)} before training -> ` +
      `${result.fixedBatchLoss.after.toFixed(3)} after`,
  );
  console.log(`training loss: first ${k} steps ${mean(losses.slice(0, k)).toFixed(3)} -> last ${k} steps ${mean(losses.slice(-k)).toFixed(3)}`);
  console.log(`estimate at the end: ${m.estimate?.toFixed(3)} nats (mean of AMDIM's 1->5, 1->7, 5->5)`);
  console.log(`${result.seconds.toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
