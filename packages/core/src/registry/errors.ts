import type { PluginKind } from '../tokens';

/** Base class of every registry error; `kind` and `plugin` say where it came from. */
export class PluginError extends Error {
  constructor(
    message: string,
    readonly kind: PluginKind,
    readonly plugin: string,
  ) {
    super(message);
    this.name = 'PluginError';
  }
}

export class UnknownPluginError extends PluginError {
  constructor(kind: PluginKind, plugin: string, known: readonly string[]) {
    const list = known.length > 0 ? known.map((n) => `'${n}'`).join(', ') : '(none registered)';
    super(
      `Unknown ${kind} plugin '${plugin}'. Registered ${kind} plugins: ${list}. ` +
        `Check the spelling, or load the ContainerModule of the package that provides it ` +
        `(or register it yourself with registerPlugin).`,
      kind,
      plugin,
    );
    this.name = 'UnknownPluginError';
  }
}

export class DuplicatePluginError extends PluginError {
  constructor(kind: PluginKind, plugin: string) {
    super(
      `A ${kind} plugin named '${plugin}' is already registered. Pick another name for yours, ` +
        `or load its ContainerModule only once.`,
      kind,
      plugin,
    );
    this.name = 'DuplicatePluginError';
  }
}

export interface ConfigIssue {
  /** Dotted path of the offending field, e.g. `options.units`. */
  path: string;
  message: string;
}

export class InvalidPluginConfigError extends PluginError {
  constructor(
    kind: PluginKind,
    plugin: string,
    readonly issues: ConfigIssue[],
    fieldPrefix = 'options',
  ) {
    const lines = issues.map((i) => `  - ${fieldPrefix}${i.path ? '.' + i.path : ''}: ${i.message}`);
    super(
      `Invalid config for ${kind} plugin '${plugin}':\n${lines.join('\n')}\n` +
        `Fix these fields in the '${kind}' section of your config.`,
      kind,
      plugin,
    );
    this.name = 'InvalidPluginConfigError';
  }
}
