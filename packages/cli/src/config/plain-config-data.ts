import { usageError } from '../errors/cli-error';
import { joinPath } from './describe-value';

/**
 * Keys that reach an object's prototype machinery when assigned (`obj['__proto__'] = x` swaps
 * its prototype): a config never needs them, and refusing them makes layering configs with
 * plain assignment safe.
 */
export const FORBIDDEN_CONFIG_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than any real config (about 6 levels) and shallow enough for every recursive check. */
export const MAX_CONFIG_DEPTH = 32;

/**
 * Checks that a parsed config is plain data: objects with ordinary keys, arrays, strings,
 * booleans, null and finite numbers, nested at most MAX_CONFIG_DEPTH levels. YAML can express
 * more (sets, binary, dates, .nan, .inf); none of it means anything in a config, and refusing it
 * here gives one clear message instead of a confusing one from deep inside validation.
 */
export function assertPlainConfigData(value: unknown, origin: string): void {
  visit(value, [], origin);
}

function visit(value: unknown, path: PropertyKey[], origin: string): void {
  const where = () => `${origin}${path.length > 0 ? `, at ${joinPath('', path)}` : ''}`;
  if (path.length > MAX_CONFIG_DEPTH) {
    throw usageError(`${where()}: nested deeper than ${MAX_CONFIG_DEPTH} levels; a run config is a few levels deep`);
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw usageError(`${where()}: ${String(value)} is not a finite number; config numbers must be finite`);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => visit(item, [...path, i], origin));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_CONFIG_KEYS.has(key)) {
        throw usageError(`${where()}: the key '${key}' is not allowed in a config (it is never a field name)`);
      }
      visit((value as Record<string, unknown>)[key], [...path, key], origin);
    }
    return;
  }
  throw usageError(
    `${where()}: a ${describeKind(value)} is not config data; configs hold objects, arrays, strings, numbers, ` +
      'true/false and null only',
  );
}

function describeKind(value: unknown): string {
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object without a prototype';
  return typeof value;
}
