import { ContainerModule } from 'inversify';
import type { PluginDefinition } from '../registry/plugin-definition';
import { Tokens } from '../tokens';

/**
 * The one `ContainerModule` a plugin package exports: it contributes its definitions to the
 * container's registries. Loading the same module twice (or two packages using one name) fails
 * with a DuplicatePluginError when the registries are built.
 */
export function pluginModule(definitions: readonly PluginDefinition<any, any>[]): ContainerModule {
  return new ContainerModule(({ bind }) => {
    for (const definition of definitions) {
      bind<PluginDefinition<any, any>>(Tokens.PluginRegistration).toConstantValue(definition);
    }
  });
}
