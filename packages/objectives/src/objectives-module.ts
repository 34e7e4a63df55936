import { pluginModule } from '@infomax/core';
import { amdimObjectivePlugin } from './plugins/amdim-plugin';
import { cpcObjectivePlugin } from './plugins/cpc-plugin';
import { dimObjectivePlugin } from './plugins/dim-plugin';

/** Every objective of this package, registered by name. */
export const objectiveDefinitions = [amdimObjectivePlugin, dimObjectivePlugin, cpcObjectivePlugin] as const;

/** The one ContainerModule of @infomax/objectives. */
export const objectivesModule = pluginModule(objectiveDefinitions);
