import { fastExp } from './fast-exp';

/**
 * InfoNCE on plain arrays, for the fused kernels: one pass forward, one backward, no tensors.
 * The same maths as the composed tfjs path (OBJECTIVES.md section 1), with float64 sums.
 * A mask entry counts as positive when it is non-zero; every other entry is a negative.
 */

/** What the passes need besides the data: the shape and the options (`clip` 0 = none). */
export interface InfoNceHostShape {
  rows: number;
  columns: number;
  clip: number;
  l2: number;
}

/** The four results of InfoNCE, as `BoundResult` names them. */
export interface InfoNceHostValues {
  loss: number;
  estimate: number;
  nce: number;
  regularizer: number;
}

/**
 * What the forward pass keeps for the backward pass, so that the backward pass needs no tanh
 * or exp (measured: those dominate the cost of both passes). Filled by `infoNceForward`.
 */
export interface InfoNceGradientParts {
  /** [N * M]: (1 - sigma_np) dt/ds on positives, softmax_n(t)_j dt/ds on negatives. */
  weights: Float32Array;
  /** [N]: sum over the positives p of row n of (1 - sigma_np). */
  rowWeights: Float32Array;
}

/** Upstream gradients of the four outputs (0 for an output nobody differentiates). */
export type InfoNceHostUpstream = InfoNceHostValues;

export type MaskValues = ArrayLike<number>;

/**
 * nce = (1/P) sum over positives (n, p) of softplus(lse_n - t_np), which is -l(n, p), with
 * t = c tanh(s/c) (t = s without clip) and lse_n the log-sum-exp of row n's negatives;
 * regulariser l2 * mean(s^2) on the raw scores; estimate = mean_n log(1 + K_n) - nce.
 *
 * Gradient parts, why these: with sigma_np = sigmoid(t_np - lse_n) and P the positive count,
 *   dNCE/dt_np = -(1 - sigma_np) / P                                       (positive p of row n)
 *   dNCE/dt_nj = (sum_{p pos of row n} (1 - sigma_np)) exp(t_nj - lse_n) / P   (negative j)
 * (each negative pulls with its softmax share, weighted by how wrong the row's positives still
 * are), and dt/ds = 1 - (t/c)^2 folds into `weights`.
 *
 * A row without negatives has lse = -Infinity and so a zero loss and gradient, as the
 * composed path's -1e30 stand-in gives.
 */
export function infoNceForward(
  scores: Float32Array,
  mask: MaskValues,
  shape: InfoNceHostShape,
  parts: InfoNceGradientParts,
): InfoNceHostValues {
  const { rows, columns, clip, l2 } = shape;
  const { weights, rowWeights } = parts;
  const positive = positiveFlags(mask, rows * columns);
  const t = new Float64Array(columns);
  const slope = new Float64Array(columns);
  const twoOverClip = clip > 0 ? 2 / clip : 0;
  let nceSum = 0;
  let positives = 0;
  let capacity = 0;
  let squares = 0;
  for (let n = 0; n < rows; n++) {
    const offset = n * columns;
    let max = -Infinity;
    let negatives = 0;
    for (let m = 0; m < columns; m++) {
      const s = scores[offset + m]!;
      squares += s * s;
      let v = s;
      if (clip > 0) {
        // tanh(s / c) = 1 - 2 / (exp(2s / c) + 1): one fast exponential instead of Math.tanh
        // (~20 ns a call), no branch on the sign (which mispredicts on scores of either sign),
        // right at both ends (exp -> 0 or Infinity), and an absolute error of ~1e-16.
        const r = 1 - 2 / (fastExp(s * twoOverClip) + 1);
        v = clip * r;
        slope[m] = 1 - r * r;
      } else {
        slope[m] = 1;
      }
      t[m] = v;
      if (positive[offset + m] === 0) {
        negatives++;
        if (v > max) max = v;
      }
    }
    // exp(t - max) of the negatives goes straight into `weights`, normalised below.
    let sum = 0;
    for (let m = 0; m < columns; m++) {
      if (positive[offset + m] !== 0) continue;
      const e = fastExp(t[m]! - max);
      weights[offset + m] = e;
      sum += e;
    }
    const lse = negatives > 0 ? max + Math.log(sum) : -Infinity;
    const toSoftmax = 1 / sum;
    let rowWeight = 0;
    for (let m = 0; m < columns; m++) {
      if (positive[offset + m] === 0) {
        weights[offset + m] = weights[offset + m]! * toSoftmax * slope[m]!;
        continue;
      }
      positives++;
      // z = lse - t: the positive's loss is softplus(z), and 1 - sigma = sigmoid(z).
      const z = lse - t[m]!;
      const e = Math.exp(-Math.abs(z));
      nceSum += Math.max(z, 0) + Math.log1p(e);
      const oneMinusSigma = z >= 0 ? 1 / (1 + e) : e / (1 + e);
      rowWeight += oneMinusSigma;
      weights[offset + m] = oneMinusSigma * slope[m]!;
    }
    rowWeights[n] = rowWeight;
    capacity += Math.log(1 + negatives);
  }
  const nce = nceSum / positives;
  const regularizer = l2 > 0 ? (l2 * squares) / (rows * columns) : 0;
  return { loss: nce + regularizer, estimate: capacity / rows - nce, nce, regularizer };
}

/**
 * The mask as bytes, 1 for a positive: the passes then read one array type whatever the mask's
 * dtype (float, int or bool), which keeps V8's element loads monomorphic on the hot loops.
 */
function positiveFlags(mask: MaskValues, size: number): Uint8Array {
  if (mask instanceof Uint8Array) return mask;
  const flags = new Uint8Array(size);
  for (let i = 0; i < size; i++) flags[i] = mask[i] !== 0 ? 1 : 0;
  return flags;
}

/**
 * Writes d(upstream . outputs)/ds into `out` from the forward pass's parts. loss = nce + reg
 * and estimate = capacity - nce with the capacity from the mask alone, so the scores see nce
 * with weight dLoss + dNce - dEstimate and reg with dLoss + dReg; dReg/ds = 2 l2 s / (N M).
 */
export function infoNceBackward(
  scores: Float32Array,
  mask: MaskValues,
  shape: InfoNceHostShape,
  parts: InfoNceGradientParts,
  upstream: InfoNceHostUpstream,
  out: Float32Array,
): void {
  const { rows, columns, l2 } = shape;
  const { weights, rowWeights } = parts;
  let positives = 0;
  for (let i = 0; i < rows * columns; i++) if (mask[i] !== 0) positives++;
  const perPositive = (upstream.loss + upstream.nce - upstream.estimate) / positives;
  const regWeight = l2 > 0 ? ((upstream.loss + upstream.regularizer) * 2 * l2) / (rows * columns) : 0;
  for (let n = 0; n < rows; n++) {
    const offset = n * columns;
    const negativeWeight = perPositive * rowWeights[n]!;
    for (let m = 0; m < columns; m++) {
      const i = offset + m;
      const nce = mask[i] === 0 ? negativeWeight * weights[i]! : -perPositive * weights[i]!;
      out[i] = regWeight === 0 ? nce : nce + regWeight * scores[i]!;
    }
  }
}
