import { z } from '@infomax/core';

export const knnOptionsSchema = z.object({
  k: z.number().int().positive().default(20),
  /** cosine: similarity of L2-normalised rows; euclidean: smallest squared distance. */
  metric: z.enum(['cosine', 'euclidean']).default('cosine'),
  /**
   * Upper bound on the entries of one [test rows, train rows] similarity block; the number of
   * test rows per block follows from it, so memory stays bounded for any train size.
   */
  maxBlockElements: z.number().int().positive().default(4_000_000),
});

export type KnnOptions = z.input<typeof knnOptionsSchema>;
export type KnnMetric = z.output<typeof knnOptionsSchema>['metric'];
