export {
  PluginError,
  UnknownPluginError,
  DuplicatePluginError,
  InvalidPluginConfigError,
  type ConfigIssue,
} from './errors';
export { definePlugin, type PluginDefinition } from './plugin-definition';
export type { PluginContext } from './plugin-context';
export { pluginSelectionSchema, type PluginSelection } from './plugin-selection';
export { PluginRegistry } from './plugin-registry';
export { PluginRegistries } from './plugin-registries';
export { formatZodIssues } from './format-issues';
