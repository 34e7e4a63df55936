import * as tf from '@tensorflow/tfjs';
import { InvalidDataError } from '../errors';
import { IndexedDataSource, type LabelInfo } from './indexed-data-source';
import { assertFinite, validateLabels, type LabelArray } from './labels';

export interface SequenceDataSourceOptions {
  name: string;
  /** All sequences, [N, T, C] row-major; checked finite. */
  sequences: Float32Array;
  /** [N, T, C]. */
  shape: readonly [number, number, number];
  labels?: LabelArray | readonly number[];
  numClasses?: number;
  classNames?: readonly string[];
}

interface SequenceStore {
  values: Float32Array;
  count: number;
  length: number;
  channels: number;
  labelInfo: LabelInfo;
}

const FROM_STORE = Symbol('fromStore');

/** Sequences held as one [N, T, C] float array; batches are [B, T, C] (the CPC input layout). */
export class SequenceDataSource extends IndexedDataSource<SequenceDataSource> {
  readonly exampleShape: readonly [number, number];
  private readonly store: SequenceStore;

  constructor(options: SequenceDataSourceOptions);
  /** @internal views share a validated store */
  constructor(options: SequenceDataSourceOptions, internal: { [FROM_STORE]: SequenceStore; rows: Int32Array });
  constructor(options: SequenceDataSourceOptions, internal?: { [FROM_STORE]: SequenceStore; rows: Int32Array }) {
    const store = internal ? internal[FROM_STORE] : createStore(options);
    super(options.name, store.count, store.labelInfo, internal ? internal.rows : null);
    this.store = store;
    this.exampleShape = [store.length, store.channels];
  }

  protected view(rows: Int32Array, name: string): SequenceDataSource {
    const { values, count, length, channels } = this.store;
    return new SequenceDataSource(
      { name, sequences: values, shape: [count, length, channels] },
      { [FROM_STORE]: this.store, rows },
    );
  }

  protected gatherInputs(rows: Int32Array): tf.Tensor3D {
    const { values, length, channels } = this.store;
    const size = length * channels;
    const out = new Float32Array(rows.length * size);
    for (let b = 0; b < rows.length; b++) out.set(values.subarray(rows[b]! * size, (rows[b]! + 1) * size), b * size);
    return tf.tensor3d(out, [rows.length, length, channels], 'float32');
  }
}

function createStore(options: SequenceDataSourceOptions): SequenceStore {
  const { name, sequences, shape } = options;
  if (!(sequences instanceof Float32Array)) throw new InvalidDataError(`${name}: sequences must be a Float32Array`);
  if (shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InvalidDataError(`${name}: shape must be three positive integers [N, T, C], got [${shape.join(', ')}]`);
  }
  const [count, length, channels] = shape;
  if (sequences.length !== count * length * channels) {
    throw new InvalidDataError(
      `${name}: shape [${shape.join(', ')}] holds ${count * length * channels} values but sequences has ${sequences.length}`,
    );
  }
  assertFinite(name, sequences, length * channels);
  const labelInfo: LabelInfo = {};
  if (options.classNames) labelInfo.classNames = options.classNames;
  if (options.labels) {
    const checked = validateLabels(name, options.labels, count, options.numClasses, options.classNames);
    labelInfo.labels = checked.labels;
    labelInfo.numClasses = checked.numClasses;
  } else if (options.numClasses !== undefined || options.classNames) {
    labelInfo.numClasses = options.numClasses ?? options.classNames!.length;
  }
  return { values: sequences, count, length, channels, labelInfo };
}
