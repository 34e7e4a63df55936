import { pluginModule, type PluginDefinition } from '@infomax/core';
import { amdimEncoderPlugin } from './amdim-plugin';
import { cpcPatchEncoderPlugin } from './cpc-patch-plugin';
import { cpcStridedEncoder1dPlugin } from './cpc-strided-1d-plugin';
import { dimBasicEncoderPlugin } from './dim-basic-plugin';
import { gruContextNetworkPlugin } from './gru-plugin';
import { maskedConvContextNetworkPlugin } from './masked-conv-plugin';

/** Every plugin of @infomax/encoders: four encoders and two context networks. */
export const encoderPluginDefinitions: readonly PluginDefinition<any, any>[] = [
  amdimEncoderPlugin,
  dimBasicEncoderPlugin,
  cpcStridedEncoder1dPlugin,
  cpcPatchEncoderPlugin,
  gruContextNetworkPlugin,
  maskedConvContextNetworkPlugin,
];

/** Load into a container to make the encoders and context networks selectable by name. */
export const encodersModule = pluginModule(encoderPluginDefinitions);
