import { definePlugin, z, type ViewGenerator } from '@infomax/core';
import { IdentityViewGenerator } from '../generators/identity-view-generator';
import { normalizeOptionsSchema } from '../recipes/view-recipe';
import { Normalize } from '../transforms/normalize';

export const identityOptionsSchema = z.object({
  normalize: z.union([z.literal(false), normalizeOptionsSchema]).default(false),
});

/** `{ view1: batch }` (DIM), optionally normalised. */
export const identityPlugin = definePlugin<ViewGenerator, typeof identityOptionsSchema>({
  kind: 'viewGenerator',
  name: 'identity',
  description: 'The batch itself as the only view, optionally normalised',
  optionsSchema: identityOptionsSchema,
  create: ({ normalize }) =>
    new IdentityViewGenerator(normalize ? new Normalize(normalize.mean, normalize.std) : undefined),
});
