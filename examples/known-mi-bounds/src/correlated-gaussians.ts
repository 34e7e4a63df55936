import type { Rng } from '@infomax/core';

/**
 * x ~ N(0, I_d) and y = rho x + sqrt(1 - rho^2) e: every coordinate pair has correlation rho
 * and the pairs are independent, so I(x; y) = -d/2 log(1 - rho^2) nats, in closed form.
 */
export function trueMutualInformation(rho: number, dims: number): number {
  return (-dims / 2) * Math.log(1 - rho * rho);
}

/** The per-dimension correlation that gives `mi` nats in `dims` dimensions. */
export function rhoForMutualInformation(mi: number, dims: number): number {
  return Math.sqrt(1 - Math.exp((-2 * mi) / dims));
}

/** A batch of `batch` pairs, row-major [batch, dims] each; the i-th x and y belong together. */
export function sampleCorrelatedGaussians(
  batch: number,
  dims: number,
  rho: number,
  rng: Rng,
): { x: Float32Array; y: Float32Array } {
  if (!(Math.abs(rho) < 1)) throw new RangeError(`rho must be in (-1, 1), got ${rho}`);
  const x = rng.normalArray(batch * dims);
  const noise = rng.normalArray(batch * dims);
  const scale = Math.sqrt(1 - rho * rho);
  const y = new Float32Array(batch * dims);
  for (let i = 0; i < y.length; i++) y[i] = rho * x[i]! + scale * noise[i]!;
  return { x, y };
}
