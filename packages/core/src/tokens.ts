/**
 * Service identifiers of every plugin kind. `Symbol.for` keeps them equal across duplicate
 * copies of this package (two bundles, a CJS and an ESM import), which plain `Symbol()` would not.
 */
export const Tokens = {
  Encoder: Symbol.for('@infomax/core/Encoder'),
  ContextNetwork: Symbol.for('@infomax/core/ContextNetwork'),
  Critic: Symbol.for('@infomax/core/Critic'),
  Bound: Symbol.for('@infomax/core/Bound'),
  ViewGenerator: Symbol.for('@infomax/core/ViewGenerator'),
  Objective: Symbol.for('@infomax/core/Objective'),
  /** A `PluginRegistration`: each plugin package binds one per plugin it provides. */
  PluginRegistration: Symbol.for('@infomax/core/PluginRegistration'),
  /** The `PluginRegistries` singleton that indexes registrations by kind and name. */
  PluginRegistries: Symbol.for('@infomax/core/PluginRegistries'),
  /** The validated `InfomaxConfig` the container was built for. */
  Config: Symbol.for('@infomax/core/Config'),
  /** The root `Rng` of a run; plugins fork their own streams from it. */
  Rng: Symbol.for('@infomax/core/Rng'),
} as const;

export type PluginKind =
  | 'encoder'
  | 'contextNetwork'
  | 'critic'
  | 'bound'
  | 'viewGenerator'
  | 'objective';

export const PLUGIN_KINDS: readonly PluginKind[] = [
  'encoder',
  'contextNetwork',
  'critic',
  'bound',
  'viewGenerator',
  'objective',
];

/** The token a container binds the configured plugin of each kind to. */
export const KIND_TOKENS: Record<PluginKind, symbol> = {
  encoder: Tokens.Encoder,
  contextNetwork: Tokens.ContextNetwork,
  critic: Tokens.Critic,
  bound: Tokens.Bound,
  viewGenerator: Tokens.ViewGenerator,
  objective: Tokens.Objective,
};
