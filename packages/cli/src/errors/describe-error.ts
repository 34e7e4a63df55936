import { formatZodIssues, PluginError, z } from '@infomax/core';
import { CliError } from './cli-error';
import { ExitCode, type ExitCodeValue } from './exit-codes';
import { InvalidRunConfigError } from './invalid-run-config-error';

export interface DescribedError {
  message: string;
  hint?: string;
  exitCode: ExitCodeValue;
  /** False for errors whose message says everything: the stack would only add noise. */
  unexpected: boolean;
}

interface KnownError {
  exitCode: ExitCodeValue;
  hint?: (error: Error) => string | undefined;
}

const CONFIG_HINT = 'fix the field named above (in the --config file, or the --set that sets it); docs/cli.md describes the run config';

/**
 * Errors infomax raises on purpose, by `name` rather than `instanceof`: a CJS and an ESM copy
 * of a package in one process have different classes with the same name.
 */
const KNOWN: Record<string, KnownError> = {
  InvalidRunConfigError: { exitCode: ExitCode.Usage, hint: () => CONFIG_HINT },
  InvalidConfigError: { exitCode: ExitCode.Usage, hint: () => CONFIG_HINT },
  InvalidTrainerConfigError: { exitCode: ExitCode.Usage, hint: () => CONFIG_HINT },
  PluginError: { exitCode: ExitCode.Usage },
  UnknownPluginError: { exitCode: ExitCode.Usage },
  DuplicatePluginError: { exitCode: ExitCode.Usage },
  InvalidPluginConfigError: { exitCode: ExitCode.Usage },
  DatasetNotFoundError: {
    exitCode: ExitCode.Failure,
    hint: () => 'download it with `infomax data fetch <name>`, or train on `--data synthetic` (no download)',
  },
  DataFormatError: { exitCode: ExitCode.Failure, hint: () => 'the file is damaged or not what its name says; fetch it again' },
  InvalidDataError: { exitCode: ExitCode.Failure },
  BatchRequestError: { exitCode: ExitCode.Failure, hint: () => 'lower --batch-size, or use a larger data set' },
  DownloadError: { exitCode: ExitCode.Failure, hint: () => 'check the network (or a proxy); rerunning resumes partial files' },
  ChecksumMismatchError: { exitCode: ExitCode.Failure },
  ImageDecodeError: { exitCode: ExitCode.Failure },
  MissingOptionalDependencyError: { exitCode: ExitCode.Failure },
  CheckpointError: {
    exitCode: ExitCode.Failure,
    hint: (error) =>
      error.message.startsWith('could not write checkpoint')
        ? undefined
        : / does not fit this model| has no optimizer state/.test(error.message)
          ? "the run's config.json no longer matches its checkpoints: undo the config change, or start a new run with --out"
          : 'checkpoints live in <run>/checkpoints; a damaged newest one can be deleted to fall back to the previous',
  },
  NonFiniteLossError: { exitCode: ExitCode.Failure },
  ShapeError: {
    exitCode: ExitCode.Failure,
    hint: () => "check that the objective's inputShape and the encoder's inChannels match the data (see the startup line)",
  },
  EvalInputError: { exitCode: ExitCode.Failure },
};

function isZodError(error: unknown): error is z.ZodError {
  return error instanceof z.ZodError || (error instanceof Error && /ZodError$/.test(error.name));
}

/** One readable message, an optional hint and the exit code for anything a command threw. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof CliError) {
    return { message: error.message, hint: error.hint, exitCode: error.exitCode, unexpected: false };
  }
  if (isZodError(error)) {
    const lines = formatZodIssues(error).map((i) => `  - ${i.path || '(root)'}: ${i.message}`);
    return { message: `invalid input:\n${lines.join('\n')}`, hint: CONFIG_HINT, exitCode: ExitCode.Usage, unexpected: false };
  }
  if (error instanceof Error) {
    const known = KNOWN[error.name] ?? (error instanceof PluginError || error instanceof InvalidRunConfigError ? KNOWN.PluginError : undefined);
    if (known) return { message: error.message, hint: known.hint?.(error), exitCode: known.exitCode, unexpected: false };
    return { message: error.message || error.name, exitCode: ExitCode.Failure, unexpected: true };
  }
  return { message: String(error), exitCode: ExitCode.Failure, unexpected: true };
}
