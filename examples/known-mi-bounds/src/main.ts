import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@infomax/core';
import { rhoForMutualInformation } from './correlated-gaussians';
import { comparisonChartSvg, comparisonTable } from './comparison-report';
import { runKnownMiComparison, type BoundName } from './run-known-mi-comparison';

const USAGE = `Usage: pnpm start [options]
  --steps N        Adam steps per (bound, MI level)        (default 400)
  --batch N        batch size N; InfoNCE caps at log N      (default 64)
  --dims D         dimensions of x and y                    (default 4)
  --mi LIST        true MI levels in nats, comma-separated  (default 0.5,1,2,3,4,5)
  --rhos LIST      per-dimension correlations instead of --mi
  --bounds LIST    any of infonce,jsd,dv,nwj                (default all four)
  --seed N         (default 0)
  --lr X           Adam learning rate                       (default 0.002)
  --backend NAME   cpu or wasm                              (default wasm)
  --out FILE       SVG to write                             (default ./known-mi-bounds.svg)`;

const list = (text: string) => text.split(',').map((s) => Number(s.trim()));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: '400' },
      batch: { type: 'string', default: '64' },
      dims: { type: 'string', default: '4' },
      mi: { type: 'string', default: '0.5,1,2,3,4,5' },
      rhos: { type: 'string' },
      bounds: { type: 'string', default: 'infonce,jsd,dv,nwj' },
      seed: { type: 'string', default: '0' },
      lr: { type: 'string', default: '0.002' },
      backend: { type: 'string', default: 'wasm' },
      out: { type: 'string', default: 'known-mi-bounds.svg' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const dims = Number(values.dims);
  const rhos = values.rhos ? list(values.rhos) : list(values.mi).map((mi) => rhoForMutualInformation(mi, dims));
  const bounds = values.bounds.split(',').map((b) => b.trim()) as BoundName[];
  const unknown = bounds.filter((b) => !['infonce', 'jsd', 'dv', 'nwj'].includes(b));
  if (unknown.length > 0 || rhos.some((r) => !(Math.abs(r) < 1)) || !(dims >= 1)) {
    throw new Error(`Bad arguments (bounds ${unknown.join(', ') || 'ok'}, rhos ${rhos.join(', ')}, dims ${dims})\n${USAGE}`);
  }

  await useBackend(values.backend);
  console.log(`backend: ${tf.getBackend()}`);
  const result = await runKnownMiComparison({
    steps: Number(values.steps),
    batchSize: Number(values.batch),
    dims,
    rhos,
    bounds,
    seed: Number(values.seed),
    learningRate: Number(values.lr),
    onRun: (bound, p) =>
      console.log(
        `${bound.padEnd(8)} rho ${p.rho.toFixed(3)}  true ${p.trueMi.toFixed(3)}  estimate ${p.estimate.toFixed(3)}  (${p.seconds.toFixed(1)} s)`,
      ),
  });

  console.log('\n' + comparisonTable(result));
  const out = resolve(values.out);
  writeFileSync(out, comparisonChartSvg(result));
  console.log(`\nwrote ${out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
