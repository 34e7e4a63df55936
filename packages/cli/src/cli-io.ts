/**
 * Where the CLI writes and what it listens to. `main` takes one so tests can run commands
 * in-process and read what they printed, and deliver their own Ctrl-C.
 */
export interface CliIo {
  /** Results a script may capture: tables, file paths, the startup line. */
  stdout(text: string): void;
  /** Notices, warnings and errors. */
  stderr(text: string): void;
  /** The training progress bar's stream (a TTY gets a live bar, anything else plain lines). */
  progressStream: NodeJS.WriteStream;
  /** Source of SIGINT and SIGTERM; the process by default. */
  signals: SignalSource;
  /** Relative paths (--out, --config, --data <folder>) resolve against this. */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    progressStream: process.stderr,
    signals: process,
    cwd: process.cwd(),
    env: process.env,
  };
}

/** One line on stdout. */
export function say(io: CliIo, line: string): void {
  io.stdout(`${line}\n`);
}

/** One line on stderr. */
export function warn(io: CliIo, line: string): void {
  io.stderr(`${line}\n`);
}
