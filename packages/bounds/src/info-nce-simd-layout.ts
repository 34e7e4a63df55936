/**
 * One row's record in the forward pass's `stats` scratch (byte offsets; 16-byte aligned, so the
 * float64 pairs can be stored as vectors). The rows pass writes all but LOG_SUM; the host then
 * writes LOG_SUM; the positives pass then overwrites SUM with the row's sum of softplus terms.
 */
export const STATS = {
  BYTES: 48,
  /** f64 x 2, add the two: the sum of exp(t - max) over the row's negatives (then: of softplus). */
  SUM: 0,
  /** f64 x 2: the sum of the squared raw scores. */
  SQUARES: 16,
  /** f32: the shift of the exponentials, the max of t over the negatives (-Infinity if none). */
  MAX: 32,
  /** i32: the row's positive count. */
  POSITIVES: 36,
  /** f32, from the host: log of SUM (-Infinity for a row without negatives). */
  LOG_SUM: 40,
} as const;
