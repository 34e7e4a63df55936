import { definePlugin, pluginModule, z, type ViewGenerator } from '@infomax/core';
import {
  AMDIM_CIFAR_RECIPE,
  AMDIM_STL_RECIPE,
  applyTwoViewOverrides,
  buildViewPipeline,
  Compose,
  NO_AUGMENTATION,
  Normalize,
  RandomApply,
  TwoViewGenerator,
  twoViewOptionsSchema,
  type Transform,
  type TwoViewRecipe,
} from '@infomax/views';
import { RandomErasing } from './random-erasing';

const PRESETS: Record<'amdim-cifar' | 'amdim-stl' | 'custom', TwoViewRecipe> = {
  'amdim-cifar': AMDIM_CIFAR_RECIPE,
  'amdim-stl': AMDIM_STL_RECIPE,
  custom: { ...NO_AUGMENTATION, sharedFlip: 0 },
};

const range = z
  .tuple([z.number().positive(), z.number().positive()])
  .refine(([low, high]) => low <= high, 'range must be [low, high] with low <= high');

export const erasingOptionsSchema = z.object({
  /** Probability that a view of an image gets a box erased. */
  p: z.number().min(0).max(1).default(0.5),
  scale: range.refine(([, high]) => high <= 1, 'the erased fraction cannot exceed 1').default([0.02, 0.25]),
  ratio: range.default([0.3, 3.3]),
  /** Fill value in [0, 1] pixel units: erasing runs before normalisation. */
  value: z.number().default(0.5),
});

/** The two-view options (preset + recipe overrides) plus our `erasing` section. */
export const erasingViewsOptionsSchema = twoViewOptionsSchema.extend({ erasing: erasingOptionsSchema.default(erasingOptionsSchema.parse({})) });

export type ErasingViewsOptions = z.input<typeof erasingViewsOptionsSchema>;

/**
 * Each view's pipeline: the recipe's augmentations, then random erasing, then the recipe's
 * normalisation (erasing writes pixel values, so it must come before the normalise step).
 */
export function erasingViewPipeline(recipe: TwoViewRecipe, erasing: z.output<typeof erasingOptionsSchema>): Compose {
  const steps: Transform[] = [buildViewPipeline({ ...recipe, normalize: false })];
  if (erasing.p > 0) steps.push(new RandomApply(new RandomErasing(erasing), erasing.p));
  if (recipe.normalize) steps.push(new Normalize(recipe.normalize.mean, recipe.normalize.std));
  return new Compose(steps);
}

/**
 * A new view generator, `two-view-erasing`: AMDIM's two-view generator (its shared flip and
 * any preset or override the built-in `two-view` plugin accepts) with random erasing added to
 * each view. The views package has no registry of single transforms: an augmentation becomes
 * selectable by adding it to a view-generator plugin like this one.
 */
export const erasingViewsPlugin = definePlugin<ViewGenerator, typeof erasingViewsOptionsSchema>({
  kind: 'viewGenerator',
  name: 'two-view-erasing',
  description: 'Two augmented views per image with random erasing (cutout) in each',
  optionsSchema: erasingViewsOptionsSchema,
  create: ({ preset, erasing, ...overrides }) => {
    const recipe = applyTwoViewOverrides(PRESETS[preset], overrides);
    const pipeline = erasingViewPipeline(recipe, erasing);
    return new TwoViewGenerator({ sharedFlip: recipe.sharedFlip, view1: pipeline, view2: pipeline });
  },
});

export const erasingViewsModule = pluginModule([erasingViewsPlugin]);
