/** Options every bound function accepts. */
export interface BoundOptions {
  /**
   * Also check the mask's contents (0/1, a positive and a negative in every row). This reads
   * the mask back from the backend, so it is off by default; shapes are always checked.
   */
  validate?: boolean;
}

export interface InfoNceOptions extends BoundOptions {
  /** Soft clip: scores become `clip * tanh(s / clip)` before the softmax (AMDIM: 20). */
  clip?: number;
  /** Weight of `mean(s^2)` over all scores, taken before clipping, added to the loss (AMDIM: 0.05). */
  l2?: number;
}

export function checkInfoNceOptions(options: InfoNceOptions): void {
  const { clip, l2 } = options;
  if (clip !== undefined && !(Number.isFinite(clip) && clip > 0)) {
    throw new RangeError(`infoNce option clip must be a finite number > 0 (or left out for no clipping), got ${clip}`);
  }
  if (l2 !== undefined && !(Number.isFinite(l2) && l2 >= 0)) {
    throw new RangeError(`infoNce option l2 must be a finite number >= 0, got ${l2}`);
  }
}
