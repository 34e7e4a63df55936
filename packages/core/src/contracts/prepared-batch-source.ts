import type { RngState } from '../random/rng';
import type { HostTensor } from '../training/host-tensor';

/** What one training step needs prepared: its examples and the state of its view stream. */
export interface StepRequest {
  step: number;
  /** Example indices of the step's batch, in batch order. */
  indices: Int32Array;
  /** State of the step's `views/<step>` stream: the views must be generated from exactly this. */
  viewsRng: RngState;
}

/** One step's inputs on the host, ready to upload to the training backend. */
export interface PreparedBatch {
  step: number;
  /** Examples in the batch. */
  size: number;
  /** Integer class labels [B], when the data set has them. */
  labels?: HostTensor;
  /** Every view the view generator gives, by name, as `generate` would have returned them. */
  views: Record<string, HostTensor>;
}

/** The prepared batches of a range of steps, handed out one at a time in step order. */
export interface PreparedBatchStream {
  /** The batch of the next step of the range. Rejects with an error naming the step if preparing it failed. */
  next(): Promise<PreparedBatch>;
  /** Stops preparing ahead and drops what was not taken. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Prepares training batches away from the training step (views generated on worker threads,
 * steps ahead). The trainer keeps the order and the randomness: it says which steps come and
 * what each needs, so a run with prepared batches equals one that generates views in the step.
 */
export interface PreparedBatchSource {
  /** Starts preparing steps `from` to `until - 1`; `request(step)` says what each one needs. */
  open(range: { from: number; until: number }, request: (step: number) => StepRequest): PreparedBatchStream;
}
