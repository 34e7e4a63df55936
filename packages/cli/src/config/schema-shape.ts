import type { z } from '@infomax/core';
import { isPlainObject } from './describe-value';

/** The parts of zod 4's internal definition that describe a schema's structure. */
interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
}

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional']);

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** The schema under defaults, optionals and transforms: what the input is checked against. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 32; i++) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
  return current;
}

/** The option of a union this input is meant for: the first that accepts it, else the first object. */
function unionBranch(options: readonly z.ZodType[], input: unknown): z.ZodType | undefined {
  return (
    options.find((o) => o.safeParse(input).success) ??
    (isPlainObject(input) ? options.find((o) => defOf(unwrapSchema(o)).type === 'object') : undefined)
  );
}

/** The object schema found by following `path` from `schema` (through records, arrays, unions). */
export function objectSchemaAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrapSchema(schema);
  let value = input;
  for (const key of path) {
    current = current && childSchema(current, key, value);
    value = isPlainObject(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    if (!current) return undefined;
  }
  if (!current) return undefined;
  const def = defOf(current);
  if (def.type === 'union' && def.options) return unionBranch(def.options, value);
  return def.type === 'object' ? current : undefined;
}

function childSchema(schema: z.ZodType, key: PropertyKey, value: unknown): z.ZodType | undefined {
  let def = defOf(schema);
  if (def.type === 'union' && def.options) {
    const branch = unionBranch(def.options, value);
    if (!branch) return undefined;
    def = defOf(unwrapSchema(branch));
  }
  // Own fields only: a config key such as `toString` must not find Object.prototype's.
  if (def.type === 'object') return def.shape && Object.hasOwn(def.shape, String(key)) ? unwrapSchema(def.shape[String(key)]!) : undefined;
  if (def.type === 'record' && def.valueType) return unwrapSchema(def.valueType);
  if (def.type === 'array' && def.element) return unwrapSchema(def.element);
  return undefined;
}

/** Field names of an object schema. */
export function objectKeys(schema: z.ZodType): string[] {
  return Object.keys(defOf(unwrapSchema(schema)).shape ?? {});
}

export interface UnknownKey {
  /** Path of the object holding the key. */
  path: PropertyKey[];
  key: string;
  allowed: string[];
}

/**
 * Keys of `input` that a (non-strict) object schema would silently drop. A typo such as
 * `batchsize` must fail loudly, not train with the default. Strict objects are skipped: zod
 * reports their unknown keys itself.
 */
export function findUnknownKeys(schema: z.ZodType, input: unknown, path: PropertyKey[] = []): UnknownKey[] {
  const unwrapped = unwrapSchema(schema);
  const def = defOf(unwrapped);
  switch (def.type) {
    case 'object': {
      if (!isPlainObject(input)) return [];
      const shape = def.shape ?? {};
      const strict = def.catchall !== undefined;
      const out: UnknownKey[] = [];
      for (const [key, value] of Object.entries(input)) {
        const child = Object.hasOwn(shape, key) ? shape[key] : undefined;
        if (child) out.push(...findUnknownKeys(child, value, [...path, key]));
        else if (!strict) out.push({ path, key, allowed: Object.keys(shape) });
      }
      return out;
    }
    case 'record':
      if (!isPlainObject(input) || !def.valueType) return [];
      return Object.entries(input).flatMap(([key, value]) => findUnknownKeys(def.valueType!, value, [...path, key]));
    case 'array':
      if (!Array.isArray(input) || !def.element) return [];
      return input.flatMap((value, i) => findUnknownKeys(def.element!, value, [...path, i]));
    case 'union': {
      const branch = def.options && unionBranch(def.options, input);
      return branch ? findUnknownKeys(branch, input, path) : [];
    }
    default:
      return [];
  }
}
