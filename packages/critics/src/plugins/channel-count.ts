import { z } from '@infomax/core';

/**
 * A positive integer the critic cannot guess: a channel count or size of the features it will
 * score, known only from the encoder. Critics build their variables in the constructor (so an
 * optimiser or a checkpoint sees them before the first batch), hence these are required options.
 */
export function requiredSize(description: string) {
  return z
    .number({
      error: (issue) =>
        issue.input === undefined ? `required: ${description}` : `must be a positive integer (${description})`,
    })
    .int(`must be a positive integer (${description})`)
    .positive(`must be a positive integer (${description})`);
}

export const positiveInt = () => z.number().int().positive();
