/** What a backend loader settled on. */
export interface BackendChoice {
  /** The active tfjs backend, as `tf.getBackend()` names it ('tensorflow', 'wasm', 'cpu', ...). */
  backend: string;
  /** The package that provides it. */
  source: string;
  /** One line for people: the backend, its details and where training kernels come from. */
  description: string;
  /** Why preferred candidates were passed over (failures, not merely absent packages). */
  notices: string[];
}

/** Where log lines go: `false` silences, a function receives each line, `true`/default prints. */
export type BackendLog = boolean | ((line: string) => void);
