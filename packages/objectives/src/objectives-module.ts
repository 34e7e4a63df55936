import { pluginModule } from '@infomax/core';
import { amdimObjectivePlugin } from './plugins/amdim-plugin';

/** Every objective of this package, registered by name. */
export const objectiveDefinitions = [amdimObjectivePlugin] as const;

/** The one ContainerModule of @infomax/objectives. */
export const objectivesModule = pluginModule(objectiveDefinitions);
