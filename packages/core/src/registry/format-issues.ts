import type { z } from 'zod';
import type { ConfigIssue } from './errors';

/** Turns zod issues into `path: message` pairs a person can act on. */
export function formatZodIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}
