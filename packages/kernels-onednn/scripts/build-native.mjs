#!/usr/bin/env node
// Builds the oneDNN addon into native/build/Release when the machine can: oneDNN's headers
// (Debian/Ubuntu: libdnnl-dev), a C++ compiler, node-gyp (npm ships one) and Node's headers,
// found offline. Anything missing skips the build with one line: the prebuilt binary in
// prebuilds/ (or the portable kernels) still serve. INFOMAX_REQUIRE_NATIVE=1 makes it an error.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const required = process.env.INFOMAX_REQUIRE_NATIVE === '1';

function skip(reason) {
  const message = `@infomax/kernels-onednn: native build skipped: ${reason}`;
  if (required) {
    console.error(`${message} (INFOMAX_REQUIRE_NATIVE=1)`);
    process.exit(1);
  }
  console.log(`${message}; the prebuilt binary, if any, is used`);
  process.exit(0);
}

if (process.env.INFOMAX_SKIP_NATIVE === '1') skip('INFOMAX_SKIP_NATIVE=1');
if (process.platform !== 'linux') skip(`only Linux builds are set up (this is ${process.platform})`);
if (!['/usr/include/oneapi/dnnl/dnnl.h', '/usr/local/include/oneapi/dnnl/dnnl.h'].some(existsSync)) {
  skip('oneDNN headers not found (install libdnnl-dev)');
}
const compiler = spawnSync('c++', ['--version'], { stdio: 'ignore' });
if (compiler.status !== 0) skip('no C++ compiler (c++) on PATH');

// npm's own node-gyp, so the workspace needs no extra dependency.
const npmRoot = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
const nodeGyp = [join(npmRoot, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')].find(existsSync);
if (!nodeGyp) skip('node-gyp not found (it comes with npm)');

// Node's headers from the installation itself: node-gyp must not try to download them.
const nodedir = [process.env.npm_config_nodedir, join(dirname(process.execPath), '..')]
  .filter(Boolean)
  .find((dir) => existsSync(join(dir, 'include', 'node', 'node_api.h')));
if (!nodedir) skip("Node's headers (include/node/node_api.h) not found next to the node binary");

try {
  execFileSync(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${nodedir}`, '--directory=native', '--jobs=2'], {
    cwd: packageDir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
} catch (error) {
  const detail = String(error.stderr ?? error.message)
    .split('\n')
    .filter((line) => /error/i.test(line))
    .slice(0, 5)
    .join('\n');
  if (required) {
    console.error(`@infomax/kernels-onednn: native build failed\n${detail}`);
    process.exit(1);
  }
  console.log(`@infomax/kernels-onednn: native build failed; the prebuilt binary, if any, is used\n${detail}`);
  process.exit(0);
}
console.log('@infomax/kernels-onednn: built native/build/Release/infomax_onednn.node');
