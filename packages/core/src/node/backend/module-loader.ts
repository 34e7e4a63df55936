/** Loads a module by package name; injectable so tests can play "installed" and "missing". */
export type ModuleLoader = (name: string) => Promise<unknown>;

/**
 * Imports a package chosen at run time. The name is a variable on purpose: bundlers (tsup,
 * vite) leave such an import alone instead of resolving an optional peer at build time.
 */
export const importModule: ModuleLoader = (name) => import(/* @vite-ignore */ name);

/** True when `error` says `name` itself is not installed (not that it failed while loading). */
export function isModuleNotFound(error: unknown, name: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  const notFound =
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /Cannot find (module|package)|Could not resolve|Failed to (load|resolve)/i.test(text);
  // A missing dependency *of* the package (or its native binding) is a broken install, not an
  // absent one: only a message naming the package itself counts.
  return notFound && text.includes(name);
}
