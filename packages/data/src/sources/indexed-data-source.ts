import * as tf from '@tensorflow/tfjs';
import type { Batch, DataSource, Rng } from '@infomax/core';
import { BatchRequestError, InvalidDataError } from '../errors';
import type { LabelArray } from './labels';

/** What every view of one stored array shares: the examples' labels and class metadata. */
export interface LabelInfo {
  labels?: LabelArray;
  numClasses?: number;
  classNames?: readonly string[];
}

export interface SplitOptions {
  /** Shuffle before splitting (seeded); without it the first part is the leading examples. */
  rng?: Rng;
  names?: readonly [string, string];
}

/**
 * The machinery shared by the array-backed sources: a source is a view (an index map) over one
 * stored array, so subsets and splits never copy example data, and batch requests are checked
 * in one place with messages that say what went wrong and how to fix it.
 */
export abstract class IndexedDataSource<Self extends IndexedDataSource<Self>> implements DataSource {
  readonly size: number;
  readonly numClasses?: number;
  readonly classNames?: readonly string[];
  abstract readonly exampleShape: readonly number[];

  protected constructor(
    readonly name: string,
    /** Number of examples in the underlying store. */
    protected readonly storeCount: number,
    protected readonly labelInfo: LabelInfo,
    /** Store row of each example of this view; null when the view is the whole store in order. */
    protected readonly rows: Int32Array | null,
  ) {
    this.size = rows ? rows.length : storeCount;
    if (labelInfo.numClasses !== undefined) this.numClasses = labelInfo.numClasses;
    if (labelInfo.classNames !== undefined) this.classNames = labelInfo.classNames;
  }

  /** Inputs for these store rows (already validated and mapped). */
  protected abstract gatherInputs(storeRows: Int32Array): tf.Tensor;

  /** The same data and output options over other store rows. */
  protected abstract view(storeRows: Int32Array, name: string): Self;

  get hasLabels(): boolean {
    return this.labelInfo.labels !== undefined;
  }

  batch(indices: Int32Array): Batch {
    const storeRows = this.resolve(indices);
    const x = this.gatherInputs(storeRows);
    const labels = this.labelInfo.labels;
    if (!labels) return { x };
    const out = new Int32Array(storeRows.length);
    for (let i = 0; i < storeRows.length; i++) out[i] = labels[storeRows[i]!]!;
    return { x, labels: tf.tensor1d(out, 'int32') };
  }

  /** The label of example `index` of this view. */
  labelAt(index: number): number {
    const labels = this.requireLabels('labelAt');
    this.checkIndex(index, 0);
    return labels[this.storeRow(index)]!;
  }

  /** All labels of this view, in order (a copy: for evaluation code, not the training loop). */
  labelArray(): Int32Array {
    const labels = this.requireLabels('labelArray');
    const out = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = labels[this.storeRow(i)]!;
    return out;
  }

  /** A view of the given examples (indices into this view), sharing the stored data. */
  subset(indices: Int32Array | readonly number[], name = `${this.name}/subset`): Self {
    if (indices.length === 0) throw new BatchRequestError(`${this.name}: a subset needs at least one index`);
    const storeRows = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]!;
      this.checkIndex(index, i);
      storeRows[i] = this.storeRow(index);
    }
    return this.view(storeRows, name);
  }

  /** The first `count` examples (e.g. a quick run on part of a data set). */
  take(count: number, name = `${this.name}/first-${count}`): Self {
    if (!Number.isInteger(count) || count < 1 || count > this.size) {
      throw new BatchRequestError(`${this.name}: take(${count}) needs an integer in 1..${this.size}`);
    }
    return this.subset(Int32Array.from({ length: count }, (_, i) => i), name);
  }

  /**
   * Two disjoint views: the first holds `fraction` of the examples (a fraction in (0, 1)) or
   * exactly `fraction` examples (an integer >= 1); the second holds the rest.
   */
  split(fraction: number, options: SplitOptions = {}): [Self, Self] {
    const first = fraction > 0 && fraction < 1 ? Math.round(fraction * this.size) : fraction;
    if (!Number.isInteger(first) || first < 1 || first >= this.size) {
      throw new BatchRequestError(
        `${this.name}: split(${fraction}) must leave both parts non-empty: give a fraction in (0, 1) ` +
          `or a count in 1..${this.size - 1} (the data set holds ${this.size})`,
      );
    }
    const order = options.rng
      ? options.rng.permutation(this.size)
      : Int32Array.from({ length: this.size }, (_, i) => i);
    const [a, b] = options.names ?? [`${this.name}/split-0`, `${this.name}/split-1`];
    return [this.subset(order.subarray(0, first), a), this.subset(order.subarray(first), b)];
  }

  protected storeRow(index: number): number {
    return this.rows ? this.rows[index]! : index;
  }

  /** Validates a batch request and maps it to store rows. */
  protected resolve(indices: Int32Array): Int32Array {
    if (!(indices instanceof Int32Array)) {
      throw new BatchRequestError(`${this.name}: batch(indices) takes an Int32Array of example indices`);
    }
    if (indices.length === 0) throw new BatchRequestError(`${this.name}: batch(indices) got no indices`);
    if (indices.length > this.size) {
      throw new BatchRequestError(
        `${this.name}: a batch of ${indices.length} examples was requested but the data set holds only ` +
          `${this.size}; use a batch size of at most ${this.size} (or a larger data set)`,
      );
    }
    const storeRows = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]!;
      this.checkIndex(index, i);
      storeRows[i] = this.storeRow(index);
    }
    return storeRows;
  }

  protected checkIndex(index: number, position: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new BatchRequestError(
        `${this.name}: index ${index} (position ${position} of the request) is outside 0..${this.size - 1}`,
      );
    }
  }

  private requireLabels(method: string): LabelArray {
    const labels = this.labelInfo.labels;
    if (!labels) throw new InvalidDataError(`${this.name}: ${method}() needs labels, and this data set has none`);
    return labels;
  }
}
