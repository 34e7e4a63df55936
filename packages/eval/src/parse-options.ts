import { formatZodIssues, type z } from '@infomax/core';
import { EvalInputError } from './errors';

/** Validates options with defaults filled in, naming every bad field in one error. */
export function parseOptions<TSchema extends z.ZodType>(schema: TSchema, options: unknown, label: string): z.output<TSchema> {
  const result = schema.safeParse(options ?? {});
  if (!result.success) {
    const lines = formatZodIssues(result.error).map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`);
    throw new EvalInputError(`Invalid ${label} options:\n${lines.join('\n')}`);
  }
  return result.data;
}
