#!/usr/bin/env node
// `pnpm bench [names...] [--steps N] [--backend B] [--profile]`: the benchmarks of
// shared/spec/BENCHMARKS.md, one JSON line per config on stdout (see docs/benchmarks.md).
import { ensureBuilt, infomax } from './ensure-built.mjs';

ensureBuilt();
infomax(['bench', ...process.argv.slice(2)]);
