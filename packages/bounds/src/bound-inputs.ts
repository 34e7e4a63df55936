import * as tf from '@tensorflow/tfjs';
import { assertShapes, ShapeError } from '@infomax/core';

/**
 * Checks what can be checked without reading tensor data (rank, matching shapes, dtype, room
 * for a positive and a negative per row), so it is free to run on every training step.
 * Returns N and M. The mask's *contents* are checked by `assertValidPositiveMask`, which syncs.
 */
export function assertBoundInputs(
  scores: tf.Tensor,
  positiveMask: tf.Tensor,
  boundName: string,
): { rows: number; columns: number } {
  const { N, M } = assertShapes({
    [`${boundName} scores`]: [scores, ['N', 'M']],
    [`${boundName} positiveMask`]: [positiveMask, ['N', 'M']],
  });
  const rows = N!;
  const columns = M!;
  if (scores.dtype !== 'float32') {
    throw new TypeError(`${boundName} scores must be float32, got ${scores.dtype}`);
  }
  if (rows < 1 || columns < 2) {
    throw new ShapeError(
      `${boundName} needs at least one row and two columns (one positive and one negative per row); ` +
        `got scores [${rows}, ${columns}]`,
    );
  }
  return { rows, columns };
}

/**
 * Throws unless `positiveMask` holds only 0 and 1 and every row has at least one positive and
 * at least one negative. It reads the mask back from the backend (a sync), so the bounds only
 * call it when asked (`validate: true`); critics and tests call it once on a mask they build.
 */
export function assertValidPositiveMask(positiveMask: tf.Tensor, label = 'positiveMask'): void {
  if (positiveMask.rank !== 2) {
    throw new ShapeError(`${label} must have rank 2 [N, M], got shape [${positiveMask.shape.join(', ')}]`);
  }
  const [rows, columns] = positiveMask.shape as [number, number];
  const values = positiveMask.dataSync();
  const noPositive: number[] = [];
  const noNegative: number[] = [];
  for (let n = 0; n < rows; n++) {
    let positives = 0;
    for (let m = 0; m < columns; m++) {
      const v = Number(values[n * columns + m]);
      if (v !== 0 && v !== 1) {
        throw new RangeError(`${label} must contain only 0 and 1, but entry (${n}, ${m}) is ${v}`);
      }
      positives += v;
    }
    if (positives === 0) noPositive.push(n);
    if (positives === columns) noNegative.push(n);
  }
  const problems: string[] = [];
  if (noPositive.length > 0) problems.push(`no positive in row(s) ${listRows(noPositive)}`);
  if (noNegative.length > 0) problems.push(`no negative in row(s) ${listRows(noNegative)}`);
  if (problems.length > 0) {
    throw new RangeError(
      `${label} [${rows}, ${columns}] must have at least one positive (1) and one negative (0) in every row: ` +
        `${problems.join('; ')}`,
    );
  }
}

function listRows(rows: number[]): string {
  const shown = rows.slice(0, 10).join(', ');
  return rows.length > 10 ? `${shown}, ... (${rows.length} rows)` : shown;
}
