/** A step's batch could not be prepared ahead of the step: loading its examples or generating its views failed. */
export class BatchPreparationError extends Error {
  constructor(
    readonly step: number,
    readonly stage: 'load' | 'views',
    override readonly cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      stage === 'load'
        ? `step ${step}: loading the batch to prepare its views failed: ${reason}`
        : `step ${step}: generating the views in a worker thread failed: ${reason}. ` +
            'Check the view generator options and the data; with 0 view workers the views are generated in the training step, where the error shows its full stack',
    );
    this.name = 'BatchPreparationError';
  }
}
