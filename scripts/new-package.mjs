#!/usr/bin/env node
// Scaffolds packages/<name> with the workspace's package conventions. Usage:
//   node scripts/new-package.mjs <name> "<description>" [--node-entry] [--bin]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [name, description = '', ...flags] = process.argv.slice(2);
if (!name) {
  console.error('usage: node scripts/new-package.mjs <name> "<description>" [--node-entry]');
  process.exit(2);
}
const nodeEntry = flags.includes('--node-entry');
const dir = join('packages', name);
if (existsSync(join(dir, 'package.json'))) {
  console.error(`${dir} already exists`);
  process.exit(1);
}
mkdirSync(join(dir, 'src'), { recursive: true });
mkdirSync(join(dir, 'test'), { recursive: true });

const entry = (sub) => ({
  import: { types: `./dist/${sub}.d.ts`, default: `./dist/${sub}.js` },
  require: { types: `./dist/${sub}.d.cts`, default: `./dist/${sub}.cjs` },
});
const isCore = name === 'core';
const pkg = {
  name: `@infomax/${name}`,
  version: '0.1.0',
  description,
  license: 'MIT',
  type: 'module',
  engines: { node: '>=20.10' },
  sideEffects: false,
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.ts',
  exports: {
    '.': entry('index'),
    ...(nodeEntry ? { './node': entry('node/index') } : {}),
    './package.json': './package.json',
  },
  files: ['dist', 'README.md'],
  scripts: { build: 'tsup', test: 'vitest run', typecheck: 'tsc --noEmit -p tsconfig.json' },
  peerDependencies: {
    ...(isCore ? {} : { '@infomax/core': 'workspace:>=0.1.0 <1.0.0' }),
    '@tensorflow/tfjs': '^4.22.0',
    inversify: '^7.8.0',
    'reflect-metadata': '^0.2.2',
  },
  devDependencies: {
    ...(isCore ? {} : { '@infomax/core': 'workspace:*' }),
    '@tensorflow/tfjs': '4.22.0',
    '@tensorflow/tfjs-backend-wasm': '4.22.0',
    inversify: '7.8.0',
    'reflect-metadata': '0.2.2',
  },
};
writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(
  join(dir, 'tsconfig.json'),
  JSON.stringify(
    { extends: '../../tsconfig.base.json', include: ['src', 'test'], compilerOptions: { noEmit: true } },
    null,
    2,
  ) + '\n',
);
writeFileSync(
  join(dir, 'tsup.config.ts'),
  `import { packageBuild } from '../../tsup.shared';\n\nexport default packageBuild(${
    nodeEntry ? `['src/index.ts', 'src/node/index.ts']` : `['src/index.ts']`
  });\n`,
);
writeFileSync(
  join(dir, 'vitest.config.ts'),
  `import { infomaxProject } from '../../vitest.shared';\n\nexport default infomaxProject('${name}');\n`,
);
if (!existsSync(join(dir, 'src/index.ts'))) writeFileSync(join(dir, 'src/index.ts'), 'export {};\n');
if (nodeEntry) {
  mkdirSync(join(dir, 'src/node'), { recursive: true });
  if (!existsSync(join(dir, 'src/node/index.ts'))) writeFileSync(join(dir, 'src/node/index.ts'), 'export {};\n');
}
if (!existsSync(join(dir, 'README.md')))
  writeFileSync(join(dir, 'README.md'), `# @infomax/${name}\n\n${description}\n`);
console.log(`created ${dir}`);
