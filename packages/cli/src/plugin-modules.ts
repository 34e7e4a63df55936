import { boundsModule } from '@infomax/bounds';
import { createContainer, Tokens, type PluginRegistries } from '@infomax/core';
import { criticsModule } from '@infomax/critics';
import { encodersModule } from '@infomax/encoders';
import { objectivesModule } from '@infomax/objectives';
import { viewsModule } from '@infomax/views';
import type { ContainerModule } from 'inversify';

/**
 * Every plugin package's ContainerModule: what a run config can name. A new objective (DIM,
 * CPC) registered in @infomax/objectives becomes selectable here without a change.
 */
export const PLUGIN_MODULES: readonly ContainerModule[] = [
  boundsModule,
  criticsModule,
  encodersModule,
  viewsModule,
  objectivesModule,
];

/** The registries of every plugin (for validating configs before anything is built). */
export function pluginRegistries(): PluginRegistries {
  return createContainer({ modules: PLUGIN_MODULES }).get<PluginRegistries>(Tokens.PluginRegistries);
}
