import { z } from '@infomax/core';

/** Shared zod pieces of the encoders' option schemas. */
export const positiveInt = () => z.number().int().positive();
export const oddPositiveInt = () => positiveInt().refine((k) => k % 2 === 1, 'must be odd');
