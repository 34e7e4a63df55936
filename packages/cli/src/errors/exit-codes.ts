/** Process exit codes of `infomax`; docs/cli.md lists them. */
export const ExitCode = {
  Ok: 0,
  /** The command ran and failed: missing data, a damaged checkpoint, a non-finite loss ... */
  Failure: 1,
  /** The command line or the config is wrong; nothing was run. */
  Usage: 2,
  /** Training was interrupted (Ctrl-C); a checkpoint was written, `--resume` continues. */
  Interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
