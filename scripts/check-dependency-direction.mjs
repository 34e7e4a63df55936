#!/usr/bin/env node
// Keeps the package graph one-way (DESIGN.md): core depends on no infomax package; plugins and
// data/eval depend on core only; objectives on core (and may call bounds); only the CLI and the
// examples may know every package. Checks both package.json and the import statements in src/.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const allowed = {
  core: [],
  bounds: ['core'],
  critics: ['core'],
  encoders: ['core'],
  views: ['core'],
  data: ['core'],
  eval: ['core'],
  objectives: ['core', 'bounds'],
  cli: null, // any
};

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|tsx|mts|cts)$/.test(name)) yield p;
  }
}

const problems = [];
for (const pkg of readdirSync('packages')) {
  const manifest = join('packages', pkg, 'package.json');
  if (!existsSync(manifest)) continue;
  const rule = pkg in allowed ? allowed[pkg] : ['core'];
  if (rule === null) continue;
  const json = JSON.parse(readFileSync(manifest, 'utf8'));
  const declared = Object.keys({ ...json.dependencies, ...json.peerDependencies })
    .filter((d) => d.startsWith('@infomax/'))
    .map((d) => d.slice('@infomax/'.length));
  for (const dep of declared) {
    if (!rule.includes(dep)) problems.push(`${manifest}: @infomax/${pkg} must not depend on @infomax/${dep}`);
  }
  const src = join('packages', pkg, 'src');
  if (!existsSync(src)) continue;
  for (const file of files(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/from\s+['"]@infomax\/([a-z-]+)/g)) {
      if (m[1] !== pkg && !rule.includes(m[1])) problems.push(`${file}: imports @infomax/${m[1]}, which @infomax/${pkg} must not use`);
    }
  }
}
if (problems.length > 0) {
  console.error(`Dependency direction violated (see DESIGN.md):\n${problems.map((p) => '  - ' + p).join('\n')}`);
  process.exit(1);
}
console.log('dependency direction: ok');
