/** Thrown when evaluation inputs disagree (lengths, dimensions, label ranges) or are empty. */
export class EvalInputError extends Error {
  override readonly name = 'EvalInputError';
}
