import type { PluginKind } from '../tokens';
import { DuplicatePluginError, InvalidPluginConfigError, UnknownPluginError } from './errors';
import { formatZodIssues } from './format-issues';
import type { PluginContext } from './plugin-context';
import type { PluginDefinition } from './plugin-definition';

/** The plugins of one kind, keyed by name. Strict: no silent overrides, no guessing. */
export class PluginRegistry<TInstance = unknown> {
  private readonly definitions = new Map<string, PluginDefinition<TInstance>>();

  constructor(readonly kind: PluginKind) {}

  register(definition: PluginDefinition<TInstance, any>): void {
    if (definition.kind !== this.kind) {
      throw new Error(
        `Plugin '${definition.name}' is a ${definition.kind} plugin and cannot be registered as a ${this.kind}.`,
      );
    }
    if (this.definitions.has(definition.name)) {
      throw new DuplicatePluginError(this.kind, definition.name);
    }
    this.definitions.set(definition.name, definition);
  }

  has(name: string): boolean {
    return this.definitions.has(name);
  }

  names(): string[] {
    return [...this.definitions.keys()].sort();
  }

  get(name: string): PluginDefinition<TInstance> {
    const definition = this.definitions.get(name);
    if (!definition) throw new UnknownPluginError(this.kind, name, this.names());
    return definition;
  }

  /** Validates `options` against the plugin's schema; returns them with defaults filled in. */
  parseOptions(name: string, options: unknown = {}): unknown {
    const definition = this.get(name);
    const parsed = definition.optionsSchema.safeParse(options ?? {});
    if (!parsed.success) {
      throw new InvalidPluginConfigError(this.kind, name, formatZodIssues(parsed.error));
    }
    return parsed.data;
  }

  create(name: string, options: unknown, context: PluginContext): TInstance {
    const parsed = this.parseOptions(name, options);
    return this.get(name).create(parsed, context);
  }
}
