// The infomax CLI from sources in a child process, for tests that need a real process: kill -9,
// a real SIGINT, a real full disk. Node loads tsx as a loader in the same process (the tsx
// executable would put a second process in between, and a SIGKILL would not reach the CLI).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
const TSX_LOADER = new URL('node_modules/tsx/dist/loader.mjs', `file://${REPO_ROOT}`).href;

/** The command line that runs the CLI from sources (also usable under `sh -c`). */
export function cliCommand(args: readonly string[]): string[] {
  return [process.execPath, '--import', TSX_LOADER, BIN, ...args];
}

/** The environment a child CLI gets: none of the developer's INFOMAX_* settings, plus `extra`. */
export function cliEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('INFOMAX_')) env[key] = value;
  return { ...env, TSX_TSCONFIG_PATH: `${REPO_ROOT}tsconfig.json`, CI: '1', ...extra };
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ChildCli {
  readonly process: ChildProcessByStdio<null, Readable, Readable>;
  readonly exited: Promise<ChildExit>;
  private stdoutText = '';
  private stderrText = '';
  private waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];

  constructor(command: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
    this.process = spawn(command[0]!, command.slice(1), { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.process.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdoutText += chunk;
      this.check();
    });
    this.process.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrText += chunk;
      this.check();
    });
    this.exited = new Promise((resolve) => this.process.on('close', (code, signal) => resolve({ code, signal })));
  }

  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Resolves with the first match of `pattern` in stdout + stderr, or null if the child exits first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray | null> {
    const found = this.match(pattern);
    if (found) return Promise.resolve(found);
    return Promise.race([
      new Promise<RegExpMatchArray>((resolve) => this.waiters.push({ pattern, resolve })),
      this.exited.then(() => this.match(pattern)),
    ]);
  }

  kill(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  private match(pattern: RegExp): RegExpMatchArray | null {
    return this.stderrText.match(pattern) ?? this.stdoutText.match(pattern);
  }

  private check(): void {
    this.waiters = this.waiters.filter((waiter) => {
      const found = this.match(waiter.pattern);
      if (found) waiter.resolve(found);
      return !found;
    });
  }
}

/** The CLI from sources with `args`, in `cwd`. */
export function spawnCli(args: readonly string[], cwd: string, env: Record<string, string> = {}): ChildCli {
  return new ChildCli(cliCommand(args), { cwd, env: cliEnvironment(env) });
}
