/** Output length of a convolution or pooling window: floor((n + 2p - k) / s) + 1. */
export function convOutputSize(size: number, kernel: number, stride: number, padding = 0): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}
