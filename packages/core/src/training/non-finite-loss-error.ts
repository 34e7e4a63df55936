/** Training produced NaN or +-Infinity; no checkpoint was written after the bad step. */
export class NonFiniteLossError extends Error {
  constructor(
    /** 0-based index of the update whose loss was not finite. */
    readonly step: number,
    /** Which value: `loss`, `grad_norm`, `<group>/loss` ... */
    readonly metric: string,
    readonly value: number,
    readonly lastCheckpoint: string | null,
  ) {
    super(
      `Training stopped at step ${step + 1}: ${metric} is ${value}. The update of this step was not applied` +
        (lastCheckpoint ? ` and the last good checkpoint (${lastCheckpoint}) is intact` : '') +
        `. Try a lower learning rate (or a longer warm-up), enable gradient clipping (clipNorm), ` +
        `check the input data for NaN, or set nanPolicy: 'skip' to skip such steps.`,
    );
    this.name = 'NonFiniteLossError';
  }
}
