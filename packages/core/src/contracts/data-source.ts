import type * as tf from '@tensorflow/tfjs';

export interface Batch {
  /** Inputs: NHWC images in [0, 1] (or normalised), or [B, T, C] sequences. */
  x: tf.Tensor;
  /** Integer class labels [B], when the data set has them. */
  labels?: tf.Tensor1D;
}

/**
 * A finite, indexable data set. The trainer owns shuffling (seeded) and asks for the examples
 * of one batch by index, so a source never holds a second decoded copy of the data.
 */
export interface DataSource {
  readonly name: string;
  readonly size: number;
  /** Shape of one example, without the batch dimension. */
  readonly exampleShape: readonly number[];
  readonly numClasses?: number;
  /** The batch of these example indices; the caller disposes the returned tensors. */
  batch(indices: Int32Array): Batch | Promise<Batch>;
}
