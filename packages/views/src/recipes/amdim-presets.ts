import { TwoViewGenerator, type TwoViewRecipe } from '../generators/two-view-generator';
import { applyRecipeOverrides, type ViewRecipeOverrides } from './view-recipe';

/** CIFAR-10 channel statistics in [0, 1] units, as AMDIM normalises with. */
export const CIFAR10_STATS = {
  mean: [125.3 / 255, 123.0 / 255, 113.9 / 255],
  std: [63.0 / 255, 62.1 / 255, 66.7 / 255],
};

/** STL-10 channel statistics, as AMDIM normalises with. */
export const STL10_STATS = { mean: [0.43, 0.42, 0.39], std: [0.27, 0.26, 0.27] };

const AMDIM_JITTER = { p: 0.8, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.2 };

/**
 * AMDIM's CIFAR views: one shared flip (p 0.5), then per view: reflect-translate by up to 4 px
 * (p 0.8), colour jitter 0.4/0.4/0.4/0.2 (p 0.8), grayscale (p 0.25), normalise.
 */
export const AMDIM_CIFAR_RECIPE: TwoViewRecipe = {
  sharedFlip: 0.5,
  flip: 0,
  resizedCrop: false,
  translate: { p: 0.8, radius: 4 },
  colorJitter: AMDIM_JITTER,
  grayscale: 0.25,
  normalize: CIFAR10_STATS,
};

/**
 * AMDIM's STL views: as CIFAR's with a random resized crop (scale 0.3-1, ratio 0.7-1.4, to
 * 64x64; bilinear where AMDIM uses bicubic) in place of the translate.
 */
export const AMDIM_STL_RECIPE: TwoViewRecipe = {
  ...AMDIM_CIFAR_RECIPE,
  translate: false,
  resizedCrop: { p: 1, scale: [0.3, 1], ratio: [0.7, 1.4], size: [64, 64] },
  normalize: STL10_STATS,
};

export interface TwoViewOverrides extends ViewRecipeOverrides {
  sharedFlip?: number;
}

/** `base` with the fields `overrides` sets replaced. */
export function applyTwoViewOverrides(base: TwoViewRecipe, overrides: TwoViewOverrides): TwoViewRecipe {
  const { sharedFlip, ...perView } = overrides;
  const recipe = applyRecipeOverrides(base, perView);
  return sharedFlip === undefined ? recipe : { ...recipe, sharedFlip };
}

/** AMDIM's CIFAR two-view generator; `overrides` replace whole recipe fields (e.g. `normalize`). */
export function amdimCifarViews(overrides: TwoViewOverrides = {}): TwoViewGenerator {
  return TwoViewGenerator.fromRecipe(applyTwoViewOverrides(AMDIM_CIFAR_RECIPE, overrides));
}

/** AMDIM's STL two-view generator (random resized crop instead of translate). */
export function amdimStlViews(overrides: TwoViewOverrides = {}): TwoViewGenerator {
  return TwoViewGenerator.fromRecipe(applyTwoViewOverrides(AMDIM_STL_RECIPE, overrides));
}
