#!/usr/bin/env node
// `pnpm soak [--steps N] [--every N] [--preset amdim|dim|cpc] [--set path=value ...] [--keep]
//            [--inject-leak]`
//
// A long training run (not a test): `infomax train` in this process, from the sources, on wasm
// with a small config, sampling the tensors in use and the process's memory every N steps. It
// prints one JSON line per sample on stdout (a table on stderr) and ends with a verdict line:
// flat, or not flat with the slopes. Exit code 0 when flat, 1 when not.
//
// Flat means, over the samples after the first fifth (each taken after a full garbage
// collection), by least-squares slope per 1000 steps:
// - the number of tensors in use never changes (exact: tensors are counted, not measured);
// - the V8 heap grows by at most HEAP_LIMIT MB (retained JS objects; precise to ~0.1 MB);
// - the resident set grows by at most RSS_LIMIT MB. RSS swings by tens of MB from transient
//   buffers (checkpoint writes, kernel scratch), so its limit is loose: it catches leaks of
//   native or wasm memory of ~10 KB a step and more.
// A leaked 8x32x32x3 batch tensor per step would be ~100 MB per 1000 steps. `--inject-leak`
// leaks one such tensor (and 64 KB of JS arrays) per logged step, to see the verdict fail.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HEAP_LIMIT = 1;
const RSS_LIMIT = 10;

if (process.env.INFOMAX_SOAK_CHILD !== '1') {
  // Re-run under tsx: the sources, never a stale build.
  const loader = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const child = spawnSync(process.execPath, ['--import', loader, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, INFOMAX_SOAK_CHILD: '1', TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json') },
  });
  process.exit(child.status ?? 1);
}

function parseArgs(argv) {
  const options = { steps: 2000, every: 50, preset: 'amdim', sets: [], keep: false, injectLeak: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--steps') options.steps = Number(value());
    else if (arg === '--every') options.every = Number(value());
    else if (arg === '--preset') options.preset = value();
    else if (arg === '--set') options.sets.push(value());
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--inject-leak') options.injectLeak = true;
    else throw new Error(`unknown option ${arg}; see the comment at the top of scripts/soak.mjs`);
  }
  for (const key of ['steps', 'every']) {
    if (!Number.isInteger(options[key]) || options[key] < 1) throw new Error(`--${key} must be a positive integer`);
  }
  return options;
}

/** Least-squares slope of ys over xs. */
function slope(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * A full garbage collection before each sample, so RSS and heap measure what is retained. Not
 * via --expose-gc: worker threads (wasm kernels) refuse that flag in their execArgv.
 */
function collector() {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
}

const mb = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;

const options = parseArgs(process.argv.slice(2));
// The tfjs the CLI's packages load (the workspace root has none of its own).
const tf = await import(pathToFileURL(createRequire(join(ROOT, 'packages/core/package.json')).resolve('@tensorflow/tfjs')).href);
const { main } = await import(pathToFileURL(join(ROOT, 'packages/cli/src/main.ts')).href);

const gc = collector();
const cwd = mkdtempSync(join(tmpdir(), 'infomax-soak-'));
const samples = [];
const started = performance.now();
let nextSample = options.every;

function sample(step) {
  gc();
  const memory = process.memoryUsage();
  const record = {
    step,
    tensors: tf.memory().numTensors,
    tensorMB: mb(tf.memory().numBytes),
    rssMB: mb(memory.rss),
    heapUsedMB: mb(memory.heapUsed),
    externalMB: mb(memory.external),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  samples.push(record);
  process.stdout.write(`${JSON.stringify(record)}\n`);
  if (samples.length === 1) process.stderr.write('   step  tensors  tensor MB   RSS MB  heap MB  external MB  seconds\n');
  process.stderr.write(
    `${String(step).padStart(7)}  ${String(record.tensors).padStart(7)}  ${String(record.tensorMB).padStart(9)}  ` +
      `${String(record.rssMB).padStart(7)}  ${String(record.heapUsedMB).padStart(7)}  ${String(record.externalMB).padStart(11)}  ` +
      `${String(record.seconds).padStart(7)}\n`,
  );
}

// The progress stream gets one plain line per logged step ("step 50/2000 | ..."): the moment to
// sample, between two steps, with nothing of the step in flight.
const leaked = [];
const progressStream = {
  isTTY: false,
  write(chunk) {
    const step = Number(/^step (\d+)\//.exec(String(chunk))?.[1]);
    if (options.injectLeak && step > 0) leaked.push(tf.keep(tf.zeros([8, 32, 32, 3])), new Array(8192).fill(step));
    if (step >= nextSample) {
      sample(step);
      nextSample = step + options.every;
    }
    return true;
  },
};

const args = [
  'train',
  '--preset', options.preset,
  '--data', 'synthetic',
  '--set', 'data.count=256',
  '--set', 'objective.options.encoder.options.ndf=4',
  '--set', 'objective.options.encoder.options.nRkhs=16',
  '--set', `trainer.logEvery=${Math.min(10, options.every)}`,
  '--set', `trainer.checkpointEvery=${Math.max(options.every, Math.floor(options.steps / 10))}`,
  ...options.sets.flatMap((s) => ['--set', s]),
  '--batch-size', '8',
  '--steps', String(options.steps),
  '--backend', 'wasm',
  '--out', 'soak',
];
process.stderr.write(`soak: infomax ${args.join(' ')}\n`);
const code = await main(args, {
  io: {
    stdout: (text) => void process.stderr.write(text),
    stderr: (text) => void process.stderr.write(text),
    progressStream,
    cwd,
  },
});
if (!options.keep) rmSync(cwd, { recursive: true, force: true });
else process.stderr.write(`soak: run folder kept in ${join(cwd, 'soak')}\n`);
if (code !== 0) {
  process.stderr.write(`soak: infomax train failed with exit code ${code}\n`);
  process.exit(2);
}

const steady = samples.slice(Math.floor(samples.length / 5));
if (steady.length < 3) {
  process.stderr.write('soak: too few samples for a verdict; give more --steps or a smaller --every\n');
  process.exit(2);
}
const tensorCounts = samples.map((s) => s.tensors);
const tensorsFlat = tensorCounts.every((n) => n === tensorCounts[0]);
const xs = steady.map((s) => s.step);
const rssSlope = slope(xs, steady.map((s) => s.rssMB)) * 1000;
const heapSlope = slope(xs, steady.map((s) => s.heapUsedMB)) * 1000;
const flat = tensorsFlat && heapSlope <= HEAP_LIMIT && rssSlope <= RSS_LIMIT;
const verdict = {
  verdict: flat ? 'flat' : 'not flat',
  steps: options.steps,
  seconds: samples.at(-1).seconds,
  tensors: { min: Math.min(...tensorCounts), max: Math.max(...tensorCounts), flat: tensorsFlat },
  rssMB: { first: samples[0].rssMB, last: samples.at(-1).rssMB, max: Math.max(...samples.map((s) => s.rssMB)) },
  heapMB: { first: samples[0].heapUsedMB, last: samples.at(-1).heapUsedMB },
  heapSlopeMBPer1000Steps: Math.round(heapSlope * 100) / 100,
  heapLimitMBPer1000Steps: HEAP_LIMIT,
  rssSlopeMBPer1000Steps: Math.round(rssSlope * 100) / 100,
  rssLimitMBPer1000Steps: RSS_LIMIT,
};
process.stdout.write(`${JSON.stringify(verdict)}\n`);
process.stderr.write(
  `soak: ${verdict.verdict} over ${options.steps} steps (${verdict.seconds} s): tensors ${verdict.tensors.min}..${verdict.tensors.max}, ` +
    `heap ${verdict.heapMB.first} -> ${verdict.heapMB.last} MB (slope ${verdict.heapSlopeMBPer1000Steps} MB / 1000 steps, limit ` +
    `${HEAP_LIMIT}), RSS ${verdict.rssMB.first} -> ${verdict.rssMB.last} MB (slope ${verdict.rssSlopeMBPer1000Steps} MB / 1000 steps, ` +
    `limit ${RSS_LIMIT})\n`,
);
process.exit(flat ? 0 : 1);
