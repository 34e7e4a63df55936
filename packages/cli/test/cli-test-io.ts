import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../src/cli-io';

export interface CapturedIo {
  io: CliIo;
  /** Everything written to stdout / stderr / the progress stream so far. */
  out(): string;
  err(): string;
  progress(): string;
  signals: EventEmitter;
}

/** An in-process CliIo that records output; `onProgress` sees each progress write as it happens. */
export function captureIo(cwd: string, onProgress?: (chunk: string, signals: EventEmitter) => void): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  const signals = new EventEmitter();
  const progressStream = {
    isTTY: false,
    write(chunk: string) {
      progress.push(chunk);
      onProgress?.(chunk, signals);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  // No INFOMAX_DATA / INFOMAX_BACKEND from the developer's shell: tests pick their own.
  const { INFOMAX_DATA: _data, INFOMAX_BACKEND: _backend, ...env } = process.env;
  return {
    io: {
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      progressStream,
      signals,
      cwd,
      env,
    },
    out: () => out.join(''),
    err: () => err.join(''),
    progress: () => progress.join(''),
    signals,
  };
}

export function tempDir(prefix = 'infomax-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A tiny AMDIM on a few synthetic images: fast enough for an end-to-end test on wasm. */
export const TINY_AMDIM = [
  '--preset', 'amdim',
  '--data', 'synthetic',
  '--set', 'data.count=32',
  '--set', 'objective.options.encoder.options.ndf=4',
  '--set', 'objective.options.encoder.options.nRkhs=16',
  '--set', 'trainer.logEvery=1',
  '--batch-size', '8',
  '--backend', 'wasm',
];
