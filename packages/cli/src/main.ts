import { CommanderError } from 'commander';
import { processIo, type CliIo } from './cli-io';
import { describeError } from './errors/describe-error';
import { ExitCode } from './errors/exit-codes';
import { buildProgram, type ProgramState } from './program';

export interface MainOptions {
  /** Replaces parts of the process's streams, signals, cwd and env (tests). */
  io?: Partial<CliIo>;
}

/**
 * Runs `infomax` with `argv` (the arguments after the program name) and resolves to the exit
 * code; it never calls process.exit, so commands can run in-process. Errors become one
 * readable message and a hint on stderr; only unexpected ones offer their stack (--debug).
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const io: CliIo = { ...processIo(), ...options.io };
  const debug = argv.includes('--debug');
  const state: ProgramState = { exitCode: ExitCode.Ok };
  try {
    await buildProgram(io, state).parseAsync([...argv], { from: 'user' });
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed its message (or the help / version) already.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    const described = describeError(error);
    io.stderr(`infomax: error: ${described.message}\n`);
    if (described.hint) io.stderr(`hint: ${described.hint}\n`);
    if (debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    else if (described.unexpected) io.stderr('(rerun with --debug for the stack)\n');
    return described.exitCode;
  }
}
