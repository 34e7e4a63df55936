import type { ConfigIssue, PluginKind, PluginRegistries } from '@infomax/core';
import { PLUGIN_KINDS } from '@infomax/core';
import { describeIssues, unknownKeyIssues } from './config-issues';
import { isPlainObject } from './describe-value';

const KIND_LABELS: Record<PluginKind, string> = {
  encoder: 'encoder',
  contextNetwork: 'context network',
  critic: 'critic',
  bound: 'bound',
  viewGenerator: 'view generator',
  objective: 'objective',
};

/**
 * The kind of plugin an option of a composite names, from the option's name: objectives call
 * their parts `encoder`, `localCritic`, `priorDiscriminator`, `bound`, `contextNetwork` ...
 */
export function partKindOf(key: string): PluginKind | undefined {
  const k = key.toLowerCase();
  if (k.endsWith('encoder')) return 'encoder';
  if (k.endsWith('critic') || k.endsWith('discriminator')) return 'critic';
  if (k.endsWith('bound')) return 'bound';
  if (k.includes('context')) return 'contextNetwork';
  if (k.endsWith('viewgenerator') || k === 'views') return 'viewGenerator';
  return undefined;
}

function looksLikeSelection(value: unknown): value is { name: string; options?: unknown } {
  return isPlainObject(value) && typeof value.name === 'string' && (value.options === undefined || isPlainObject(value.options));
}

/** A name registered under exactly one kind tells the kind of a part whose option name does not. */
function kindHaving(registries: PluginRegistries, name: string): PluginKind | undefined {
  const kinds = PLUGIN_KINDS.filter((kind) => registries.of(kind).has(name));
  return kinds.length === 1 ? kinds[0] : undefined;
}

export interface ValidateSelectionOptions {
  /**
   * For parts inside a composite: the composite adds options derived from the data (channel
   * counts, widths) before building them, so only the options given here are checked, not
   * the absence of the rest.
   */
  partial?: boolean;
}

/**
 * Checks a plugin selection against the registries, and recursively the parts named in its
 * options, so that `objective.options.bound.name: unknown bound 'jsdd'` is reported before
 * anything is built, with the path of the field at fault.
 */
export function validatePluginSelection(
  registries: PluginRegistries,
  kind: PluginKind,
  selection: unknown,
  path: string,
  options: ValidateSelectionOptions = {},
): ConfigIssue[] {
  if (!looksLikeSelection(selection)) return [];
  const registry = registries.of(kind);
  if (!registry.has(selection.name)) {
    const names = registry.names();
    return [
      {
        path: `${path}.name`,
        message: `unknown ${KIND_LABELS[kind]} '${selection.name}'; registered: ${names.length > 0 ? names.join(', ') : '(none)'}`,
      },
    ];
  }
  const schema = registry.get(selection.name).optionsSchema;
  const given = (selection.options ?? {}) as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const relevant = options.partial
      ? parsed.error.issues.filter((i) => i.code === 'unrecognized_keys' || (i.path.length > 0 && String(i.path[0]) in given))
      : parsed.error.issues;
    issues.push(...describeIssues(relevant, given, { prefix: `${path}.options`, schema }));
  }
  issues.push(...unknownKeyIssues(schema, given, `${path}.options`));
  for (const [key, value] of Object.entries(given)) {
    if (!looksLikeSelection(value)) continue;
    const partKind = partKindOf(key) ?? kindHaving(registries, value.name);
    if (partKind) issues.push(...validatePluginSelection(registries, partKind, value, `${path}.options.${key}`, { partial: true }));
  }
  return issues;
}
