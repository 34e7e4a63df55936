import * as tf from '@tensorflow/tfjs';

function assertPositiveInteger(value: number, name: string, fn: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${fn}: ${name} must be a positive integer, got ${value}`);
  }
}

/**
 * The 0/1 mask [rows, cols] of a score matrix whose rows come in groups of `rowGroup` and whose
 * columns come in groups of `colGroup`, group g of the rows matching group g of the columns:
 * `mask[r, c] = 1` iff `floor(r / rowGroup) == floor(c / colGroup)`.
 *
 * Built from two index vectors compared by broadcasting, so nothing larger than the mask itself
 * is ever allocated (no [G, rowGroup, G, colGroup] tile of an identity).
 */
export function blockMask(rows: number, cols: number, rowGroup: number, colGroup: number): tf.Tensor2D {
  const fn = 'blockMask';
  assertPositiveInteger(rows, 'rows', fn);
  assertPositiveInteger(cols, 'cols', fn);
  assertPositiveInteger(rowGroup, 'rowGroup', fn);
  assertPositiveInteger(colGroup, 'colGroup', fn);
  if (rows % rowGroup !== 0 || cols % colGroup !== 0 || rows / rowGroup !== cols / colGroup) {
    throw new Error(
      `${fn}: rows (${rows}) / rowGroup (${rowGroup}) and cols (${cols}) / colGroup (${colGroup}) ` +
        `must both divide exactly into the same number of groups`,
    );
  }
  const rowIds = new Int32Array(rows);
  for (let r = 0; r < rows; r++) rowIds[r] = Math.floor(r / rowGroup);
  const colIds = new Int32Array(cols);
  for (let c = 0; c < cols; c++) colIds[c] = Math.floor(c / colGroup);
  return tf.tidy(
    () => tf.cast(tf.equal(tf.tensor2d(rowIds, [rows, 1], 'int32'), tf.tensor2d(colIds, [1, cols], 'int32')), 'float32') as tf.Tensor2D,
  );
}
