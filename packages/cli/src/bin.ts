#!/usr/bin/env node
import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // main handles every error itself; reaching this is a bug in the CLI.
    process.stderr.write(`infomax: internal error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
