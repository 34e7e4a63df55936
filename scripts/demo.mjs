#!/usr/bin/env node
// The main job: train AMDIM on Fashion-MNIST (zero-padded to 32x32) when it is installed, else
// on synthetic shapes; evaluate with a linear probe and kNN beside the raw-pixel and
// random-encoder baselines; write runs/demo/report.html. About 15 minutes on 2 CPU cores.
//
//   pnpm demo [--steps N] [--batch-size N] [--out runs/demo] [--backend wasm] [--feature f7]
import { existsSync, rmSync } from 'node:fs';
import { ensureBuilt, infomax } from './ensure-built.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
};
const out = option('out', 'runs/demo');
const steps = option('steps', process.env.INFOMAX_DEMO_STEPS ?? '1500');
const batchSize = option('batch-size', '32');
const backend = option('backend', process.env.INFOMAX_BACKEND ?? 'auto');

ensureBuilt();
if (existsSync(out)) {
  // A finished demo run is replaced; an interrupted one is resumed rather than thrown away.
  if (existsSync(`${out}/eval.json`) || !existsSync(`${out}/config.json`)) rmSync(out, { recursive: true, force: true });
}
const resuming = existsSync(`${out}/config.json`);
infomax(
  resuming
    ? ['train', '--resume', out, '--steps', steps, '--backend', backend]
    : ['train', '--preset', 'amdim', '--out', out, '--steps', steps, '--batch-size', batchSize, '--backend', backend,
       '--set', 'objective.options.encoder.options.ndf=16', '--set', 'objective.options.encoder.options.nRkhs=128'],
);
// The global vector f1 (128-d here) is the paper's probe input; at this small budget the 7x7
// map f7 is the stronger representation, so the demo probes f7 (`--feature f1` for the other).
const feature = option('feature', 'f7');
infomax(['eval', out, '--backend', backend, '--feature', feature]);
infomax(['report', out]);
console.log(`\ninfomax demo: open ${out}/report.html`);
