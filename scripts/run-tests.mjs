#!/usr/bin/env node
// Runs the whole vitest suite, then prints one plain closing line ("vitest: N passed, N failed,
// N skipped") that CI systems can read regardless of vitest's own formatting.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';

const out = 'node_modules/.cache/infomax/vitest-results.json';
mkdirSync('node_modules/.cache/infomax', { recursive: true });
if (existsSync(out)) rmSync(out);
const args = ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
const run = spawnSync('pnpm', args, { stdio: 'inherit' });
let summary = 'vitest: no result file (the run crashed before reporting)';
if (existsSync(out)) {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  summary = `vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`;
  if (r.numTotalTests === 0) summary += ' (no tests ran)';
}
console.log(summary);
process.exit(run.status ?? 1);
