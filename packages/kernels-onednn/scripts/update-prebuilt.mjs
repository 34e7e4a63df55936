#!/usr/bin/env node
// Copies the freshly built addon into prebuilds/<platform>-<arch>/, stripped, for publishing.
// Run after `pnpm build` on a machine with libdnnl-dev; the binary links against libdnnl.so.2.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(packageDir, 'native', 'build', 'Release', 'infomax_onednn.node');
if (!existsSync(built)) {
  console.error(`no built addon at ${built}: run pnpm --filter @infomax/kernels-onednn build first`);
  process.exit(1);
}
const target = join(packageDir, 'prebuilds', `${process.platform}-${process.arch}`, 'infomax_onednn.node');
mkdirSync(dirname(target), { recursive: true });
copyFileSync(built, target);
execFileSync('strip', ['--strip-unneeded', target]);
console.log(`updated ${target}`);
