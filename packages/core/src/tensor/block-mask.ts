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
 * Written on the host and uploaded once: it is a constant of the shapes, and building it with
 * a broadcast comparison cost ~15 ms per [32, 1568] mask on wasm (whose broadcasting Equal is a
 * per-element loop), several times per training step.
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
  const values = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const start = r * cols + Math.floor(r / rowGroup) * colGroup;
    values.fill(1, start, start + colGroup);
  }
  return tf.tensor2d(values, [rows, cols]);
}
