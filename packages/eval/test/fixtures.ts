import * as tf from '@tensorflow/tfjs';
import { Rng, type DataSource } from '@infomax/core';
import type { LabelledFeatures } from '../src';

/**
 * Gaussian blobs: class c is centred at `separation` along axis c (dim >= numClasses), with
 * isotropic noise `std`. Far-apart centres make the classes linearly separable in practice.
 */
export function gaussianBlobs(
  n: number,
  dim: number,
  numClasses: number,
  seed: number,
  { separation = 6, std = 0.5 } = {},
): LabelledFeatures {
  const rng = new Rng(seed);
  const features = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % numClasses;
    labels[i] = c;
    for (let j = 0; j < dim; j++) features[i * dim + j] = rng.normal(j === c ? separation : 0, std);
  }
  return { features, labels, dim };
}

/** Random features with labels drawn independently of them. */
export function randomLabelled(n: number, dim: number, numClasses: number, seed: number): LabelledFeatures {
  const rng = new Rng(seed);
  const features = rng.normalArray(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = rng.int(0, numClasses - 1);
  return { features, labels, dim };
}

/**
 * An in-memory DataSource over [N, ...exampleShape] values that records every `batch` call, so
 * tests can check how a consumer streams through it.
 */
export class RecordingSource implements DataSource {
  readonly calls: number[][] = [];
  readonly size: number;
  readonly exampleShape: readonly number[];

  constructor(
    readonly name: string,
    private readonly values: Float32Array,
    private readonly labels: Int32Array | undefined,
    exampleShape: readonly number[],
    readonly numClasses?: number,
    private readonly asynchronous = false,
  ) {
    const per = exampleShape.reduce((a, b) => a * b, 1);
    this.size = values.length / per;
    this.exampleShape = exampleShape;
  }

  batch(indices: Int32Array) {
    this.calls.push([...indices]);
    const per = this.exampleShape.reduce((a, b) => a * b, 1);
    const x = new Float32Array(indices.length * per);
    indices.forEach((index, row) => x.set(this.values.subarray(index * per, (index + 1) * per), row * per));
    const batch = {
      x: tf.tensor(x, [indices.length, ...this.exampleShape]),
      labels: this.labels ? tf.tensor1d(Int32Array.from(indices, (i) => this.labels![i]!), 'int32') : undefined,
    };
    return this.asynchronous ? Promise.resolve(batch) : batch;
  }
}

/** A DataSource of [2, 2, 1] "images" whose pixels are the rows of a labelled feature set. */
export function imageSource(name: string, set: LabelledFeatures, numClasses?: number): RecordingSource {
  if (set.dim !== 4) throw new Error('imageSource needs dim 4 features');
  return new RecordingSource(name, set.features, set.labels, [2, 2, 1], numClasses);
}
