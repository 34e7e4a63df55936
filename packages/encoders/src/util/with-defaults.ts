/** `{...defaults, ...options}` where an explicit `undefined` in options keeps the default. */
export function withDefaults<T extends object>(defaults: Required<T>, options: T | undefined): Required<T> {
  const out = { ...defaults };
  for (const [key, value] of Object.entries(options ?? {})) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
