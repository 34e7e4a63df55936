#!/usr/bin/env node
// Times the addon alone on amdim-bench's convolution shapes (batch 64 = 32 images x 2 views):
// forward + both gradients per shape, median of repeated runs, and the GFLOP/s that makes.
// Usage: node scripts/bench-shapes.mjs [--threads N] [--repeats N]. Prints one JSON line.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const threads = flag('threads', 2);
const repeats = flag('repeats', 20);
process.env.OMP_WAIT_POLICY ??= 'PASSIVE';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const path = [join(root, 'native', 'build', 'Release', 'infomax_onednn.node'), join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'infomax_onednn.node')].find(existsSync);
if (!path) {
  console.error('no addon built or prebuilt');
  process.exit(1);
}
const addon = createRequire(import.meta.url)(path);
addon.setThreads(threads);

// [in, channels in, channels out, kernel, stride, out] of the AMDIM 32x32 encoder (ndf 32).
const SHAPES = [
  [32, 3, 32, 3, 1, 30],
  [30, 32, 32, 1, 1, 30],
  [30, 32, 64, 4, 2, 14],
  [14, 64, 64, 1, 1, 14],
  [14, 64, 128, 2, 2, 7],
  [7, 128, 128, 1, 1, 7],
  [7, 128, 128, 3, 1, 5],
];
const n = 64;
let flops = 0;
const work = SHAPES.map(([size, cin, cout, k, s, out]) => {
  const geometry = Int32Array.of(n, size, size, cin, out, out, cout, k, k, s, s, 1, 1, 0, 0, 0, 0);
  const x = new Float32Array(n * size * size * cin).map(() => Math.random() - 0.5);
  const f = new Float32Array(k * k * cin * cout).map(() => Math.random() - 0.5);
  const y = new Float32Array(n * out * out * cout);
  const dx = new Float32Array(x.length);
  const df = new Float32Array(f.length);
  flops += 3 * 2 * n * out * out * cout * k * k * cin;
  return () => {
    addon.conv2d(geometry, 0, 0, x, f, null, y);
    addon.conv2dBackpropInput(geometry, y, f, dx);
    addon.conv2dBackpropFilter(geometry, x, y, df);
  };
});
const once = () => {
  const start = performance.now();
  for (const run of work) run();
  return performance.now() - start;
};
for (let i = 0; i < 3; i++) once();
const times = Array.from({ length: repeats }, once).sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
  JSON.stringify({
    shapes: 'amdim-bench convolutions, batch 64, forward + both gradients',
    threads,
    wait_policy: process.env.OMP_WAIT_POLICY,
    ms_median: Number(median.toFixed(2)),
    ms_min: Number(times[0].toFixed(2)),
    gflop_per_s: Number((flops / median / 1e6).toFixed(1)),
    implementations: [...new Set(addon.primitives().map((p) => p.implementation))],
  }),
);
