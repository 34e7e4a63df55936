import { pluginModule } from '@infomax/core';
import { identityPlugin } from './identity-plugin';
import { patchGridPlugin } from './patch-grid-plugin';
import { temporalWindowPlugin } from './temporal-window-plugin';
import { twoViewPlugin } from './two-view-plugin';

/** Every view generator this package provides, by name. */
export const viewGeneratorPlugins = [twoViewPlugin, identityPlugin, patchGridPlugin, temporalWindowPlugin] as const;

/** The package's ContainerModule: registers 'two-view', 'identity', 'patch-grid', 'temporal-window'. */
export const viewsModule = pluginModule(viewGeneratorPlugins);
