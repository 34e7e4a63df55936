import { pluginModule, type PluginDefinition } from '@infomax/core';
import { bilinearCriticPlugin } from './bilinear-plugin';
import { concatConvCriticPlugin } from './concat-conv-plugin';
import { dimGlobalCriticPlugin } from './dim-global-plugin';
import { dotProductCriticPlugin } from './dot-product-plugin';
import { priorDiscriminatorPlugin } from './prior-discriminator-plugin';

/** Every critic this package provides, as registry definitions. */
export const criticDefinitions: readonly PluginDefinition<any, any>[] = [
  dotProductCriticPlugin,
  bilinearCriticPlugin,
  concatConvCriticPlugin,
  dimGlobalCriticPlugin,
  priorDiscriminatorPlugin,
];

/** Load into a container to register 'dot-product', 'bilinear', 'concat-conv', 'dim-global' and 'prior-discriminator'. */
export const criticsModule = pluginModule(criticDefinitions);
