import { injectable, multiInject, optional } from 'inversify';
import type { PluginDefinition } from '../registry/plugin-definition';
import { PluginRegistries } from '../registry/plugin-registries';
import { Tokens } from '../tokens';

/** Adapter: the decorator-free `PluginRegistries`, filled from every loaded plugin module. */
@injectable()
export class InjectablePluginRegistries extends PluginRegistries {
  constructor(
    @multiInject(Tokens.PluginRegistration) @optional() definitions: PluginDefinition<any, any>[] = [],
  ) {
    super(definitions ?? []);
  }
}
