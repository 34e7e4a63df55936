/** Backends `initNodeBackend` can be asked for, by option or by INFOMAX_BACKEND. */
export const NODE_BACKENDS = ['auto', 'tensorflow', 'tensorflow-gpu', 'wasm', 'cpu'] as const;
export type NodeBackendName = (typeof NODE_BACKENDS)[number];

/** The environment variable that picks the backend when no option does. */
export const BACKEND_ENV_VAR = 'INFOMAX_BACKEND';

/**
 * The backend to load: the explicit option, else INFOMAX_BACKEND, else 'auto'. An unknown name
 * throws, saying where it came from and listing the valid names.
 */
export function requestedNodeBackend(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): NodeBackendName {
  const fromEnv = env[BACKEND_ENV_VAR]?.trim();
  const name = option ?? (fromEnv ? fromEnv : undefined) ?? 'auto';
  if ((NODE_BACKENDS as readonly string[]).includes(name)) return name as NodeBackendName;
  const origin = option !== undefined ? 'the backend option' : `${BACKEND_ENV_VAR}`;
  throw new Error(
    `Unknown backend '${name}' (from ${origin}). Valid backends: ${NODE_BACKENDS.map((b) => `'${b}'`).join(', ')}.`,
  );
}
