import type { ConfigIssue } from '@infomax/core';

/**
 * A run config that fails validation: every problem with the dotted path of its field, so a
 * person can find it in the file or in the `--set` that caused it.
 */
export class InvalidRunConfigError extends Error {
  override readonly name = 'InvalidRunConfigError';
  constructor(
    readonly issues: readonly ConfigIssue[],
    /** What the config was built from, e.g. "preset amdim + --set" or a file path. */
    readonly origin?: string,
  ) {
    super(
      `invalid run config${origin ? ` (${origin})` : ''}:\n` +
        issues.map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`).join('\n'),
    );
  }
}
