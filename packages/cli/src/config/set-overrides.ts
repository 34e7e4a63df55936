import { usageError } from '../errors/cli-error';
import { assertPlainConfigData, FORBIDDEN_CONFIG_KEYS } from './plain-config-data';

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
    const forbidden = keys.find((k) => FORBIDDEN_CONFIG_KEYS.has(k));
    if (forbidden) throw usageError(`--set '${assignment}': the key '${forbidden}' is not allowed in a config (it is never a field name)`);
    const raw = assignment.slice(eq + 1);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    // JSON.parse reads 1e999 as Infinity; values hold plain data only, as config files do.
    assertPlainConfigData(value, `--set '${assignment}'`);
    let node = root;
    for (const key of keys.slice(0, -1)) {
      const next = Object.hasOwn(node, key) ? node[key] : undefined;
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]!] = value;
  }
  return root;
}
