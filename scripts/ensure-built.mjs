// Builds the workspace when the CLI's bundle is missing or older than any package source, so
// `pnpm demo` and `pnpm bench` never run stale code.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const CLI = 'packages/cli/dist/bin.js';

function newestSource(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestSource(p) : s.mtimeMs);
  }
  return newest;
}

export function ensureBuilt() {
  const sources = readdirSync('packages')
    .map((p) => join('packages', p, 'src'))
    .filter((p) => existsSync(p));
  const stale = !existsSync(CLI) || sources.some((src) => newestSource(src) > statSync(CLI).mtimeMs);
  if (!stale) return;
  console.error('infomax: building the packages first (pnpm build) ...');
  const build = spawnSync('pnpm', ['build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) {
    console.error('infomax: the build failed; run `pnpm build` to see why');
    process.exit(build.status ?? 1);
  }
}

/** Runs the built CLI with these arguments, inheriting the terminal; exits on failure. */
export function infomax(args, { allowFail = false } = {}) {
  const run = spawnSync(process.execPath, [CLI, ...args], { stdio: 'inherit' });
  if (run.status !== 0 && !allowFail) {
    console.error(`infomax ${args[0]} failed with exit code ${run.status}`);
    process.exit(run.status ?? 1);
  }
  return run.status;
}
