/** A short rendering of a config value for messages: strings in quotes, long values cut. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  // Functions and symbols have no JSON; cyclic values throw.
  text ??= typeof value === 'function' ? 'a function' : typeof value;
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The type a person would name: 'array' and 'null' rather than 'object'. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a path of keys (and array indices), or undefined. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

export function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  const rest = path.map(String).join('.');
  if (!prefix) return rest;
  return rest ? `${prefix}.${rest}` : prefix;
}
