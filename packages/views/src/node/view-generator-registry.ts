import { PluginRegistry, Rng, type PluginContext, type PluginSelection, type ViewGenerator } from '@infomax/core';
import { viewGeneratorPlugins } from '../plugins/views-module';

/**
 * The view generators a worker thread can build: this package's plugins. A worker has no
 * container, so a generator that needs another package's plugin cannot run there.
 */
export function viewGeneratorRegistry(): PluginRegistry<ViewGenerator> {
  const registry = new PluginRegistry<ViewGenerator>('viewGenerator');
  for (const plugin of viewGeneratorPlugins) registry.register(plugin);
  return registry;
}

/** Builds the generator a selection names (options validated, defaults filled in). */
export function buildViewGenerator(selection: PluginSelection, registry = viewGeneratorRegistry()): ViewGenerator {
  const context: PluginContext = {
    // View generators draw their randomness from the stream given to generate(), never from here.
    rng: new Rng(0),
    create: () => {
      throw new Error(`view generator '${selection.name}' asked for another plugin, which a view worker cannot build`);
    },
  };
  return registry.create(selection.name, selection.options ?? {}, context);
}
