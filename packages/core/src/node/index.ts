// Node-only parts of @infomax/core: loading tfjs-node(-gpu), file checkpoints, JSONL metrics,
// the terminal progress bar. Browser bundles import '@infomax/core' and never reach this file.
export * from './backend';
export * from './training';
