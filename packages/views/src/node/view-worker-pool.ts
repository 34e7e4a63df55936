import * as tf from '@tensorflow/tfjs';
import { type HostTensor, type PluginSelection, type RngState } from '@infomax/core';
import { Piscina } from 'piscina';
import { buildViewGenerator, viewGeneratorRegistry } from './view-generator-registry';
import type { HostViews, ViewTask, ViewWorkerBackend, ViewWorkerSetup } from './view-task';
import { defaultViewWorkers } from './worker-count';
import { viewWorkerScript } from './worker-script';

export interface ViewWorkerPoolOptions {
  /** The view generator by plugin name and options (a run config's `viewGenerator`). */
  generator: PluginSelection;
  /** Worker threads; default one per core beyond two, at least one (a pool asked for runs one). */
  workers?: number;
  /**
   * The workers' tfjs backend; default: the training thread's when it is 'wasm' or 'cpu' (so
   * prepared views are bit-identical to generating them in the step), else 'wasm'.
   */
  backend?: ViewWorkerBackend;
}

/**
 * Worker threads that generate views: each runs its own tfjs backend and its own copy of the
 * view generator, built from the generator's plugin name and options. Close it when done.
 */
export class ViewWorkerPool {
  readonly workers: number;
  readonly backend: ViewWorkerBackend;
  private readonly pool: Piscina<ViewTask, HostViews>;
  private closing: Promise<void> | null = null;
  /** An error a worker threw outside any task (it fails the next task instead of crashing the process). */
  private poolError: Error | null = null;

  constructor(options: ViewWorkerPoolOptions) {
    this.workers = options.workers ?? Math.max(1, defaultViewWorkers());
    if (!Number.isInteger(this.workers) || this.workers < 1) {
      throw new Error(`ViewWorkerPool: workers must be a whole number >= 1, got ${this.workers}; 0 workers means no pool`);
    }
    this.backend = options.backend ?? defaultWorkerBackend();
    if (this.backend !== 'wasm' && this.backend !== 'cpu') {
      throw new Error(`ViewWorkerPool: backend must be 'wasm' or 'cpu', got '${String(this.backend)}'`);
    }
    // Fails here, on the calling thread, for an unknown plugin or bad options rather than in every task.
    buildViewGenerator(options.generator, viewGeneratorRegistry());
    const { filename, execArgv } = viewWorkerScript();
    const setup: ViewWorkerSetup = { generator: options.generator, backend: this.backend };
    this.pool = new Piscina<ViewTask, HostViews>({
      filename,
      execArgv,
      workerData: setup,
      minThreads: this.workers,
      maxThreads: this.workers,
      // Each worker holds an initialised backend; restarting one costs far more than a step.
      idleTimeout: Number.POSITIVE_INFINITY,
    });
    this.pool.on('error', (error: Error) => {
      this.poolError = error;
    });
  }

  /** The views of one step's batch (float32 `x`, whose buffer moves to the worker). */
  async generate(step: number, batch: HostTensor, rng: RngState): Promise<HostViews> {
    if (this.closing) throw new Error(`ViewWorkerPool: closed before the views of step ${step} were asked for`);
    if (this.poolError) throw this.poolError;
    const task: ViewTask = { step, batch, rng };
    return this.pool.run(task, { transferList: [batch.values.buffer as ArrayBuffer] });
  }

  /** Stops every worker (tasks still running are abandoned). Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= this.pool.destroy();
    return this.closing;
  }
}

function defaultWorkerBackend(): ViewWorkerBackend {
  const current = tf.getBackend();
  return current === 'cpu' || current === 'wasm' ? current : 'wasm';
}

