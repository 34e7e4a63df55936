import { usageError } from '../errors/cli-error';

/**
 * `--set a.b.c=value` flags as one config layer. The value is read as JSON when it parses
 * (`4`, `true`, `[1,2]`, `{"clip":10}`, `null`) and as a plain string otherwise (`jsd`).
 */
export function parseSetOverrides(assignments: readonly string[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    const path = eq > 0 ? assignment.slice(0, eq).trim() : '';
    const keys = path.split('.');
    if (eq <= 0 || keys.some((k) => k === '')) {
      throw usageError(`--set '${assignment}' is not of the form path.to.field=value`, 'e.g. --set trainer.logEvery=1');
    }
    const raw = assignment.slice(eq + 1);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    let node = root;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]!] = value;
  }
  return root;
}
