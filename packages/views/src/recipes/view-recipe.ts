import { z } from '@infomax/core';
import { ColorJitter } from '../color/color-jitter';
import { RandomGrayscale } from '../color/random-grayscale';
import { Compose } from '../transforms/compose';
import { HorizontalFlip } from '../transforms/horizontal-flip';
import { Normalize } from '../transforms/normalize';
import { RandomApply } from '../transforms/random-apply';
import { RandomResizedCrop } from '../transforms/random-resized-crop';
import { ReflectTranslate } from '../transforms/reflect-translate';
import type { Transform } from '../transforms/transform';

const probability = z.number().min(0).max(1);
const range = z
  .tuple([z.number().positive(), z.number().positive()])
  .refine(([low, high]) => low <= high, 'range must be [low, high] with low <= high');

/** Sub-option defaults are AMDIM's values, so `{ translate: {} }` means AMDIM's translate. */
export const translateOptionsSchema = z.object({
  p: probability.default(0.8),
  radius: z.number().int().nonnegative().default(4),
});

export const resizedCropOptionsSchema = z.object({
  p: probability.default(1),
  scale: range.default([0.3, 1]),
  ratio: range.default([0.7, 1.4]),
  /** Output [height, width]; omitted = the input's size. */
  size: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
});

export const colorJitterOptionsSchema = z.object({
  p: probability.default(0.8),
  brightness: z.number().nonnegative().default(0.4),
  contrast: z.number().nonnegative().default(0.4),
  saturation: z.number().nonnegative().default(0.4),
  hue: z.number().min(0).max(0.5).default(0.2),
});

export const normalizeOptionsSchema = z
  .object({
    mean: z.array(z.number()).min(1),
    std: z.array(z.number().positive()).min(1),
  })
  .refine((o) => o.mean.length === o.std.length, 'mean and std must have the same length');

/**
 * The fields of a per-view pipeline, each optional: the plugins treat an absent field as "keep
 * the preset's", `false` (or probability 0) as "off".
 */
export const viewRecipeFields = {
  /** Probability of an independent left-right flip per view. */
  flip: probability.optional(),
  resizedCrop: z.union([z.literal(false), resizedCropOptionsSchema]).optional(),
  translate: z.union([z.literal(false), translateOptionsSchema]).optional(),
  colorJitter: z.union([z.literal(false), colorJitterOptionsSchema]).optional(),
  /** Probability of replacing a view by its luminance. */
  grayscale: probability.optional(),
  normalize: z.union([z.literal(false), normalizeOptionsSchema]).optional(),
};

export const viewRecipeOverridesSchema = z.object(viewRecipeFields);
export type ViewRecipeOverrides = z.input<typeof viewRecipeOverridesSchema>;

/**
 * One view's augmentation pipeline as data, applied in this order: flip, resized crop,
 * reflect-translate, colour jitter, grayscale, normalise (AMDIM's order).
 */
export interface ViewRecipe {
  flip: number;
  resizedCrop: false | z.output<typeof resizedCropOptionsSchema>;
  translate: false | z.output<typeof translateOptionsSchema>;
  colorJitter: false | z.output<typeof colorJitterOptionsSchema>;
  grayscale: number;
  normalize: false | z.output<typeof normalizeOptionsSchema>;
}

/** The empty recipe: every augmentation off. */
export const NO_AUGMENTATION: ViewRecipe = {
  flip: 0,
  resizedCrop: false,
  translate: false,
  colorJitter: false,
  grayscale: 0,
  normalize: false,
};

/** `base` with every field `overrides` sets replaced (sub-options are validated, defaults filled). */
export function applyRecipeOverrides<R extends ViewRecipe>(base: R, overrides: ViewRecipeOverrides = {}): R {
  const parsed = viewRecipeOverridesSchema.parse(overrides);
  const defined = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
  return { ...base, ...defined };
}

function maybeRandom(transform: Transform, p: number): Transform[] {
  if (p <= 0) return [];
  return p >= 1 ? [transform] : [new RandomApply(transform, p)];
}

/** Builds the transform pipeline a recipe describes. */
export function buildViewPipeline(recipe: ViewRecipe): Compose {
  const steps: Transform[] = [];
  if (recipe.flip > 0) steps.push(new HorizontalFlip(recipe.flip));
  if (recipe.resizedCrop) {
    const { p, ...crop } = recipe.resizedCrop;
    steps.push(...maybeRandom(new RandomResizedCrop(crop), p));
  }
  if (recipe.translate) steps.push(...maybeRandom(new ReflectTranslate(recipe.translate.radius), recipe.translate.p));
  if (recipe.colorJitter) {
    const { p, ...strengths } = recipe.colorJitter;
    steps.push(...maybeRandom(new ColorJitter(strengths), p));
  }
  if (recipe.grayscale > 0) steps.push(new RandomGrayscale(recipe.grayscale));
  if (recipe.normalize) steps.push(new Normalize(recipe.normalize.mean, recipe.normalize.std));
  return new Compose(steps);
}
