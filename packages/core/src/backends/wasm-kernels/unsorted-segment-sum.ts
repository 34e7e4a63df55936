import * as tf from '@tensorflow/tfjs';
import { composeWasmKernel } from './wasm-kernel-scope';

/**
 * UnsortedSegmentSum on wasm (the gradient of gather) as one ScatterNd, which adds duplicate
 * indices. Ids outside [0, numSegments) are dropped, as in TensorFlow: they are sent to an extra
 * scratch row that is cut off, because wasm's ScatterNd does not bounds-check.
 */
export function unsortedSegmentSumWasm({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const idsRank = segmentIds.shape.length;
  const count = tf.util.sizeFromShape(segmentIds.shape);
  if (!tf.util.arraysEqual(x.shape.slice(0, idsRank), segmentIds.shape)) {
    throw new Error(
      `infomax wasm UnsortedSegmentSum: segmentIds shape [${segmentIds.shape.join(', ')}] must be a ` +
        `prefix of x's shape [${x.shape.join(', ')}]`,
    );
  }
  const rest = x.shape.slice(idsRank);
  const outShape = [numSegments, ...rest];
  return composeWasmKernel(backend, (scope) => {
    if (count === 0 || numSegments === 0) {
      return scope.run('Fill', {}, { shape: outShape, value: 0, dtype: x.dtype });
    }
    let ids = segmentIds;
    let rows = numSegments;
    if (segmentIds.dtype !== 'int32') ids = scope.run('Cast', { x: ids }, { dtype: 'int32' });
    const values = scope.read(ids);
    if (values.some((id) => id < 0 || id >= numSegments)) {
      const safe = Int32Array.from(values, (id) => (id < 0 || id >= numSegments ? numSegments : id));
      ids = scope.upload([count], 'int32', safe);
      rows = numSegments + 1;
    }
    const summed = scope.run(
      'ScatterNd',
      { indices: scope.reshape(ids, [count, 1]), updates: scope.reshape(x, [count, ...rest]) },
      { shape: [rows, ...rest] },
    );
    if (rows === numSegments) return summed;
    return scope.slice(summed, new Array(outShape.length).fill(0), outShape);
  });
}
