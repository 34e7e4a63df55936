/** A checkpoint cannot be read or does not fit the model: the message says which and what to do. */
export class CheckpointError extends Error {
  constructor(
    message: string,
    /** The checkpoint's name, e.g. `step-000120`, when known. */
    readonly checkpoint?: string,
  ) {
    super(message);
    this.name = 'CheckpointError';
  }
}
