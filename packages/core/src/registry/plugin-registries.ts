import { Rng } from '../random/rng';
import { PLUGIN_KINDS, type PluginKind } from '../tokens';
import type { PluginContext } from './plugin-context';
import type { PluginDefinition } from './plugin-definition';
import { PluginRegistry } from './plugin-registry';
import { pluginSelectionSchema, type PluginSelection } from './plugin-selection';
import { InvalidPluginConfigError } from './errors';
import { formatZodIssues } from './format-issues';

/** One registry per plugin kind. A container holds one of these as a singleton. */
export class PluginRegistries {
  private readonly registries = new Map<PluginKind, PluginRegistry>(
    PLUGIN_KINDS.map((kind) => [kind, new PluginRegistry(kind)]),
  );

  constructor(definitions: Iterable<PluginDefinition<any, any>> = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: PluginDefinition<any, any>): void {
    this.of(definition.kind).register(definition);
  }

  of<T = unknown>(kind: PluginKind): PluginRegistry<T> {
    const registry = this.registries.get(kind);
    if (!registry) {
      throw new Error(`Unknown plugin kind '${kind}'. Plugin kinds: ${PLUGIN_KINDS.join(', ')}.`);
    }
    return registry as PluginRegistry<T>;
  }

  /** Builds the plugin a selection names; `rng` seeds it (a child stream per kind and name). */
  create<T>(kind: PluginKind, selection: PluginSelection | unknown, rng: Rng): T {
    const parsed = pluginSelectionSchema.safeParse(selection);
    if (!parsed.success) {
      const name = (selection as { name?: unknown } | undefined)?.name;
      throw new InvalidPluginConfigError(
        kind,
        typeof name === 'string' ? name : '(unnamed)',
        formatZodIssues(parsed.error),
        kind,
      );
    }
    const { name, options } = parsed.data;
    const own = rng.fork(`${kind}/${name}`);
    const context: PluginContext = {
      rng: own,
      create: <U>(k: PluginKind, s: PluginSelection, role = '') => this.create<U>(k, s, own.fork(`part/${role}`)),
    };
    return this.of<T>(kind).create(name, options ?? {}, context);
  }
}
