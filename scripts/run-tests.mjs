#!/usr/bin/env node
// Runs the whole vitest suite twice where the native oneDNN kernels can load: once on the
// portable kernels only (INFOMAX_KERNELS=none), once with oneDNN on the wasm backend
// (INFOMAX_TEST_KERNELS=onednn, see vitest.setup.ts). Then prints one plain closing line
// ("vitest: N passed, N failed, N skipped") that CI systems can read regardless of vitest's own
// formatting. INFOMAX_TEST_KERNELS=none|onednn in the environment runs that one pass only.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';

mkdirSync('node_modules/.cache/infomax', { recursive: true });

function runPass(label, env) {
  const out = `node_modules/.cache/infomax/vitest-results-${label}.json`;
  if (existsSync(out)) rmSync(out);
  const args = ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
  console.log(`\n=== vitest, ${label} kernels ===`);
  const run = spawnSync('pnpm', args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (!existsSync(out)) return { status: run.status ?? 1, passed: 0, failed: 0, skipped: 0, total: 0, crashed: true };
  const r = JSON.parse(readFileSync(out, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  return { status: run.status ?? 1, passed: r.numPassedTests, failed: r.numFailedTests, skipped, total: r.numTotalTests };
}

function oneDnnLoads() {
  const probe = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', "const m = await import('./packages/kernels-onednn/dist/index.js'); const l = m.loadOneDnnAddon(); console.log(l.ok ? 'ok' : l.reason);"],
    { encoding: 'utf8' },
  );
  const answer = (probe.stdout ?? '').trim();
  return answer === 'ok' ? { ok: true } : { ok: false, reason: answer || (probe.stderr ?? '').split('\n')[0] };
}

const requested = process.env.INFOMAX_TEST_KERNELS;
const passes = [];
if (requested) {
  passes.push([requested === 'onednn' ? 'oneDNN' : 'portable', {}]);
} else {
  passes.push(['portable', { INFOMAX_KERNELS: 'none' }]);
  const native = oneDnnLoads();
  if (native.ok) passes.push(['oneDNN', { INFOMAX_TEST_KERNELS: 'onednn', INFOMAX_KERNELS: 'auto' }]);
  else console.log(`(no oneDNN pass: ${native.reason})`);
}

const results = passes.map(([label, env]) => [label, runPass(label, env)]);
let status = 0;
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const [label, r] of results) {
  const line = r.crashed
    ? 'no result file (the run crashed before reporting)'
    : `${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped${r.total === 0 ? ' (no tests ran)' : ''}`;
  console.log(`vitest (${label} kernels): ${line}`);
  totals.passed += r.passed;
  totals.failed += r.failed;
  totals.skipped += r.skipped;
  if (r.status !== 0 || r.crashed || r.total === 0) status = r.status || 1;
}
console.log(`vitest: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(status);
