import type { z } from 'zod';
import type { PluginKind } from '../tokens';
import type { PluginContext } from './plugin-context';

/**
 * How a plugin is made: its name within its kind, a schema for its options (validated before
 * `create` is called; defaults filled in), and a factory.
 */
export interface PluginDefinition<TInstance = unknown, TSchema extends z.ZodType = z.ZodType> {
  readonly kind: PluginKind;
  readonly name: string;
  readonly description: string;
  readonly optionsSchema: TSchema;
  create(options: z.output<TSchema>, context: PluginContext): TInstance;
}

/** Typed helper so a definition's `create` sees the parsed type of its own schema. */
export function definePlugin<TInstance, TSchema extends z.ZodType>(
  definition: PluginDefinition<TInstance, TSchema>,
): PluginDefinition<TInstance, TSchema> {
  return definition;
}
