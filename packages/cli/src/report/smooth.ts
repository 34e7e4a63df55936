/**
 * Exponential moving average with the start-up bias removed (the first values are not pulled
 * towards 0): s_t = w s_{t-1} + (1 - w) v_t, divided by 1 - w^t. Missing values (null) stay
 * missing and do not advance the average.
 */
export function smoothSeries(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (!(weight >= 0 && weight < 1)) throw new Error(`smoothSeries: weight must be in [0, 1), got ${weight}`);
  let average = 0;
  let count = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    count++;
    average = weight * average + (1 - weight) * v;
    return average / (1 - weight ** count);
  });
}

/** A weight that smooths about a tenth of the series: heavier for long runs, none for a few points. */
export function smoothingWeight(points: number): number {
  if (points < 5) return 0;
  return Math.min(0.9, Math.max(0, 1 - 10 / points));
}
