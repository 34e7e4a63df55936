import type { Rng } from '@infomax/core';
import { EvalInputError } from './errors';

/**
 * A random split of 0..n-1 into a fit part and a held-out part of round(n * fraction) rows
 * (at least one each). The held-out rows come from the train split only.
 */
export function seededSplit(n: number, fraction: number, rng: Rng): { fit: Int32Array; heldOut: Int32Array } {
  const heldCount = Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
  if (n < 2) throw new EvalInputError(`cannot hold out validation rows from a train split of ${n} row(s)`);
  const order = rng.permutation(n);
  // Sorted so the fit part keeps the source order; the Rng only decides membership.
  const heldOut = order.slice(0, heldCount).sort();
  const fit = order.slice(heldCount).sort();
  return { fit, heldOut };
}
