import type { HostTensor, PluginSelection, RngState } from '@infomax/core';

/** Backends a view worker can run: the portable ones that need no native addon in a thread. */
export type ViewWorkerBackend = 'wasm' | 'cpu';

/** What every worker of a pool is started with (cloned to each thread). */
export interface ViewWorkerSetup {
  /** The view generator by plugin name and options, as a run config's `viewGenerator` holds it. */
  generator: PluginSelection;
  backend: ViewWorkerBackend;
}

/** One step's work for a worker: the batch's inputs and the state of the step's view stream. */
export interface ViewTask {
  step: number;
  /** The batch `x` (float32); its buffer is transferred to the worker, not copied. */
  batch: HostTensor;
  rng: RngState;
}

/** The views of one step by name, as host arrays (their buffers are transferred back). */
export type HostViews = Record<string, HostTensor>;
