import { pluginModule } from '@infomax/core';
import { boundDefinitions } from './bound-definitions';

/** The ContainerModule of @infomax/bounds: registers `infonce`, `jsd`, `dv` and `nwj`. */
export const boundsModule = pluginModule(boundDefinitions);
