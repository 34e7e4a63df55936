import { z } from '@infomax/core';

/** Shared zod pieces of the encoders' option schemas. */
export const positiveInt = () => z.number().int().positive().max(65_536);
/**
 * A layer width (channels, units). Bounded so a mistyped or crafted config fails validation
 * instead of asking for gigabytes of weights: 8192 is 8x the widest layer of the papers' models.
 */
export const width = () => z.number().int().positive().max(8192, 'must be at most 8192 (a layer width)');
export const oddPositiveInt = () => positiveInt().refine((k) => k % 2 === 1, 'must be odd');
