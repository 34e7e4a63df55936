import { definePlugin, z, type ViewGenerator } from '@infomax/core';
import { TwoViewGenerator, type TwoViewRecipe } from '../generators/two-view-generator';
import { AMDIM_CIFAR_RECIPE, AMDIM_STL_RECIPE, applyTwoViewOverrides } from '../recipes/amdim-presets';
import { NO_AUGMENTATION, viewRecipeFields } from '../recipes/view-recipe';

const PRESETS: Record<'amdim-cifar' | 'amdim-stl' | 'custom', TwoViewRecipe> = {
  'amdim-cifar': AMDIM_CIFAR_RECIPE,
  'amdim-stl': AMDIM_STL_RECIPE,
  custom: { ...NO_AUGMENTATION, sharedFlip: 0 },
};

export const twoViewOptionsSchema = z.object({
  /** Starting recipe; every other field given replaces that field of it. 'custom' starts empty. */
  preset: z.enum(['amdim-cifar', 'amdim-stl', 'custom']).default('amdim-cifar'),
  sharedFlip: z.number().min(0).max(1).optional(),
  ...viewRecipeFields,
});

/** `{ view1, view2 }`: AMDIM's two augmented views, or a custom recipe. */
export const twoViewPlugin = definePlugin<ViewGenerator, typeof twoViewOptionsSchema>({
  kind: 'viewGenerator',
  name: 'two-view',
  description: 'Two augmented views per image (shared flip, then independent per-view pipelines)',
  optionsSchema: twoViewOptionsSchema,
  create: ({ preset, ...overrides }) => TwoViewGenerator.fromRecipe(applyTwoViewOverrides(PRESETS[preset], overrides)),
});
