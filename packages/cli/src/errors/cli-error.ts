import { ExitCode, type ExitCodeValue } from './exit-codes';

/** An error the CLI raises itself, already phrased for the user, with an optional next step. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.Failure,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A wrong flag or combination of flags. */
export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, ExitCode.Usage, hint);
}
