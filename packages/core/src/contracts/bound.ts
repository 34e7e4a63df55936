import type * as tf from '@tensorflow/tfjs';

export interface BoundResult {
  /** The scalar to minimise (includes any regulariser in `terms`). */
  loss: tf.Scalar;
  /** The bound's value: in nats for MI bounds; the Jensen-Shannon divergence for JSD. */
  estimate: tf.Scalar;
  /** Named parts of the loss, e.g. `regularizer`. */
  terms: Record<string, tf.Scalar>;
}

/** What `estimate` measures, so reports never label a JSD value as mutual information. */
export type EstimateKind = 'mutual-information' | 'jensen-shannon';

/** A pure function of its inputs: [N, M] scores and a same-shaped 0/1 positive mask. */
export interface Bound {
  readonly name: string;
  readonly estimateKind: EstimateKind;
  compute(scores: tf.Tensor2D, positiveMask: tf.Tensor2D): BoundResult;
}
