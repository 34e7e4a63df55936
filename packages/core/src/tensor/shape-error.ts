/** Thrown when a tensor's shape does not match what an operation needs. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}
