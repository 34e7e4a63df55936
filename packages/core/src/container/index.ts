export { pluginModule } from './plugin-module';
export { InjectablePluginRegistries } from './injectable-plugin-registries';
export { infomaxConfigSchema, type InfomaxConfig, type InfomaxConfigInput } from './infomax-config';
export { createContainer, InvalidConfigError, type CreateContainerOptions } from './create-container';
