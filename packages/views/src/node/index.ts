// Node-only parts of @infomax/views: view generation on worker threads, prefetched ahead of
// training. Browser bundles import '@infomax/views' and never reach this file.
export { WorkerBatchSource, type WorkerBatchSourceOptions } from './worker-batch-source';
export { ViewWorkerPool, type ViewWorkerPoolOptions } from './view-worker-pool';
export { BatchPreparationError } from './batch-preparation-error';
export { defaultViewWorkers, DEFAULT_PREFETCH } from './worker-count';
export { generateHostViews } from './host-views';
export { buildViewGenerator, viewGeneratorRegistry } from './view-generator-registry';
export { viewWorkerScript, type WorkerScript } from './worker-script';
export type { HostViews, ViewTask, ViewWorkerBackend, ViewWorkerSetup } from './view-task';
