export { amdimEncoderPlugin, amdimEncoderOptionsSchema } from './amdim-plugin';
export { dimBasicEncoderPlugin, dimBasicEncoderOptionsSchema } from './dim-basic-plugin';
export { cpcStridedEncoder1dPlugin, cpcStridedEncoder1dOptionsSchema } from './cpc-strided-1d-plugin';
export { cpcPatchEncoderPlugin, cpcPatchEncoderOptionsSchema } from './cpc-patch-plugin';
export { gruContextNetworkPlugin, gruContextNetworkOptionsSchema } from './gru-plugin';
export { maskedConvContextNetworkPlugin, maskedConvContextNetworkOptionsSchema } from './masked-conv-plugin';
export { encodersModule, encoderPluginDefinitions } from './encoders-module';
