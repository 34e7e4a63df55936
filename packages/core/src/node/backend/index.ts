export { initNodeBackend, type InitNodeBackendOptions } from './init-node-backend';
export { BACKEND_ENV_VAR, NODE_BACKENDS, requestedNodeBackend, type NodeBackendName } from './node-backend-names';
export { importModule, isModuleNotFound, type ModuleLoader } from './module-loader';
