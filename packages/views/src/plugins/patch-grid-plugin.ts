import { definePlugin, z, type ViewGenerator } from '@infomax/core';
import { PatchGridViewGenerator } from '../generators/patch-grid-view-generator';
import {
  applyRecipeOverrides,
  buildViewPipeline,
  NO_AUGMENTATION,
  viewRecipeOverridesSchema,
} from '../recipes/view-recipe';

export const patchGridOptionsSchema = z.object({
  patchSize: z.number().int().positive().default(8),
  stride: z.number().int().positive().default(4),
  /** Per-patch augmentation (CPC v2), as recipe fields on an empty recipe; false = none. */
  augment: z.union([z.literal(false), viewRecipeOverridesSchema]).default(false),
});

/** `{ patches: [B, gh, gw, p, p, C] }`: CPC's grid of overlapping patches. */
export const patchGridPlugin = definePlugin<ViewGenerator, typeof patchGridOptionsSchema>({
  kind: 'viewGenerator',
  name: 'patch-grid',
  description: 'A grid of overlapping patches per image (CPC on images), optionally augmented per patch',
  optionsSchema: patchGridOptionsSchema,
  create: ({ patchSize, stride, augment }) =>
    new PatchGridViewGenerator({
      patchSize,
      stride,
      ...(augment ? { augment: buildViewPipeline(applyRecipeOverrides(NO_AUGMENTATION, augment)) } : {}),
    }),
});
