import type { ConfigIssue, z } from '@infomax/core';
import { closestName } from './closest-name';
import { describeValue, joinPath, typeName, valueAt } from './describe-value';
import { findUnknownKeys, objectKeys, objectSchemaAt, type UnknownKey } from './schema-shape';

type Issue = z.ZodError['issues'][number];

/**
 * zod issues as `path: message` lines that say what was found and what is allowed, e.g.
 * `trainer.optimizers.main.beta1: must be < 1, got 1.5`. `input` is what was validated (for the
 * values found); `schema` lets unknown-key messages list the allowed fields.
 */
export function describeIssues(
  issues: readonly Issue[],
  input: unknown,
  options: { prefix?: string; schema?: z.ZodType; basePath?: PropertyKey[] } = {},
): ConfigIssue[] {
  const base = options.basePath ?? [];
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const relative = [...base, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const holder = options.schema ? objectSchemaAt(options.schema, relative, input) : undefined;
      const allowed = holder ? objectKeys(holder) : [];
      for (const key of issue.keys) out.push(unknownKeyIssue({ path: relative, key, allowed }, options.prefix ?? ''));
      continue;
    }
    if (issue.code === 'invalid_union') {
      out.push(...describeUnion(issue, relative, input, options));
      continue;
    }
    out.push({ path: joinPath(options.prefix ?? '', relative), message: describeIssue(issue, valueAt(input, relative)) });
  }
  return out;
}

/** Issues for keys a non-strict schema would drop without a word. */
export function unknownKeyIssues(schema: z.ZodType, input: unknown, prefix = ''): ConfigIssue[] {
  return findUnknownKeys(schema, input).map((u) => unknownKeyIssue(u, prefix));
}

export function unknownKeyIssue(unknown: UnknownKey, prefix: string): ConfigIssue {
  const guess = closestName(unknown.key, unknown.allowed);
  const allowed = unknown.allowed.length > 0 ? `allowed: ${unknown.allowed.join(', ')}` : '';
  const message = guess ? `unknown field; did you mean '${guess}'?` : `unknown field${allowed ? `; ${allowed}` : ''}`;
  return { path: joinPath(prefix, [...unknown.path, unknown.key]), message };
}

function bound(inclusive: boolean | undefined, below: boolean): string {
  if (below) return inclusive === false ? '<' : '<=';
  return inclusive === false ? '>' : '>=';
}

function describeIssue(issue: Issue, value: unknown): string {
  const got = `, got ${describeValue(value)}`;
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? `required (${issue.expected})`
        : `expected ${issue.expected}, got ${typeName(value)} ${describeValue(value)}`;
    case 'invalid_value': {
      const values = issue.values.map((v) => describeValue(v));
      return values.length === 1 ? `must be ${values[0]}${got}` : `expected one of ${values.join(', ')}${got}`;
    }
    case 'too_small':
      if (issue.origin === 'array' || issue.origin === 'set') return `needs at least ${String(issue.minimum)} item(s)${got}`;
      if (issue.origin === 'string') return `needs at least ${String(issue.minimum)} character(s)${got}`;
      return `must be ${bound(issue.inclusive, false)} ${String(issue.minimum)}${got}`;
    case 'too_big':
      if (issue.origin === 'array' || issue.origin === 'set') return `takes at most ${String(issue.maximum)} item(s)${got}`;
      if (issue.origin === 'string') return `takes at most ${String(issue.maximum)} character(s)${got}`;
      return `must be ${bound(issue.inclusive, true)} ${String(issue.maximum)}${got}`;
    case 'invalid_format':
      return `${issue.message}${got}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}${got}`;
    default:
      return issue.message;
  }
}

/**
 * A union (e.g. `probe: false | { numClasses }`) reports one issue list per branch. The branch
 * the input was meant for is the one whose issues are below the union's own path (the input's
 * type matched); otherwise say which types are accepted.
 */
function describeUnion(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  path: PropertyKey[],
  input: unknown,
  options: { prefix?: string; schema?: z.ZodType },
): ConfigIssue[] {
  const branches = issue.errors;
  const deeper = branches.filter((list) => list.length > 0 && list.every((i) => i.path.length > 0));
  if (deeper.length === 1) return describeIssues(deeper[0]!, input, { ...options, basePath: path });
  const accepted = branches
    .map((list) => list[0])
    .filter((first): first is Issue => first !== undefined)
    .map((first) =>
      first.code === 'invalid_type'
        ? first.expected
        : first.code === 'invalid_value'
          ? first.values.map((v) => describeValue(v)).join(' or ')
          : undefined,
    )
    .filter((text): text is string => text !== undefined);
  const value = valueAt(input, path);
  const message = accepted.length > 0 ? `expected ${[...new Set(accepted)].join(' or ')}, got ${describeValue(value)}` : issue.message;
  return [{ path: joinPath(options.prefix ?? '', path), message }];
}

/** Drops repeated `path: message` pairs, keeping the first. */
export function uniqueIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
