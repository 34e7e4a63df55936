import { isPlainObject } from './describe-value';
import { FORBIDDEN_CONFIG_KEYS } from './plain-config-data';

/**
 * Layers config objects, later ones winning: objects merge key by key; arrays and scalars are
 * replaced. Two rules keep layered configs meaningful:
 * - a plugin selection whose `name` changes is replaced whole (the old plugin's options would
 *   not fit the new one);
 * - a key set to `undefined` in a later layer is removed (how `--epochs` drops a preset's `steps`).
 */
export function deepMerge(...layers: readonly unknown[]): Record<string, unknown> {
  let result: Record<string, unknown> = {};
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (!isPlainObject(layer)) throw new Error(`deepMerge: every layer must be an object, got ${typeof layer}`);
    result = mergeObjects(result, layer);
  }
  return result;
}

function mergeObjects(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const renamed = typeof base.name === 'string' && typeof over.name === 'string' && base.name !== over.name;
  const out: Record<string, unknown> = renamed ? {} : { ...base };
  for (const [key, value] of Object.entries(over)) {
    // Config readers refuse these keys; assigning one would replace `out`'s prototype.
    if (FORBIDDEN_CONFIG_KEYS.has(key)) throw new Error(`deepMerge: refusing the key '${key}'`);
    if (value === undefined) {
      delete out[key];
    } else if (isPlainObject(value) && isPlainObject(out[key])) {
      out[key] = mergeObjects(out[key] as Record<string, unknown>, value);
    } else {
      out[key] = clone(value);
    }
  }
  return out;
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
  return value;
}
