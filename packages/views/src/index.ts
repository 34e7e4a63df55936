export {
  isParametric,
  ParametricTransformBase,
  type ImageBatchShape,
  type ParametricTransform,
  type Transform,
} from './transforms/transform';
export {
  applyToImages,
  assertImageBatch,
  gatherPerImage,
  perImage,
  selectPerImage,
} from './transforms/image-batch';
export { Compose } from './transforms/compose';
export { RandomApply } from './transforms/random-apply';
export { HorizontalFlip, type FlipParams } from './transforms/horizontal-flip';
export { reflectIndex } from './transforms/reflect-index';
export { ReflectTranslate, type TranslateParams } from './transforms/reflect-translate';
export { normalisedBox, sampleCropBox, type PixelBox } from './transforms/crop-box';
export { RandomResizedCrop, type CropParams, type RandomResizedCropOptions } from './transforms/random-resized-crop';
export { Normalize } from './transforms/normalize';

export { LUMA_WEIGHTS, toGrayscale } from './color/luminance';
export { adjustBrightness } from './color/adjust-brightness';
export { adjustContrast } from './color/adjust-contrast';
export { adjustSaturation } from './color/adjust-saturation';
export { adjustHue } from './color/adjust-hue';
export {
  ColorJitter,
  JITTER_OPS,
  type ColorJitterOptions,
  type ColorJitterParams,
  type JitterOp,
} from './color/color-jitter';
export { RandomGrayscale, type GrayscaleParams } from './color/random-grayscale';

export {
  TwoViewGenerator,
  type TwoViewGeneratorOptions,
  type TwoViewRecipe,
} from './generators/two-view-generator';
export { IdentityViewGenerator } from './generators/identity-view-generator';
export { PatchGridViewGenerator, patchGridSize, type PatchGridOptions } from './generators/patch-grid-view-generator';
export { TemporalWindowViewGenerator } from './generators/temporal-window-view-generator';

export {
  applyRecipeOverrides,
  buildViewPipeline,
  colorJitterOptionsSchema,
  NO_AUGMENTATION,
  normalizeOptionsSchema,
  resizedCropOptionsSchema,
  translateOptionsSchema,
  viewRecipeFields,
  viewRecipeOverridesSchema,
  type ViewRecipe,
  type ViewRecipeOverrides,
} from './recipes/view-recipe';
export {
  AMDIM_CIFAR_RECIPE,
  AMDIM_STL_RECIPE,
  amdimCifarViews,
  amdimStlViews,
  applyTwoViewOverrides,
  CIFAR10_STATS,
  STL10_STATS,
  type TwoViewOverrides,
} from './recipes/amdim-presets';

export { twoViewOptionsSchema, twoViewPlugin } from './plugins/two-view-plugin';
export { identityOptionsSchema, identityPlugin } from './plugins/identity-plugin';
export { patchGridOptionsSchema, patchGridPlugin } from './plugins/patch-grid-plugin';
export { temporalWindowOptionsSchema, temporalWindowPlugin } from './plugins/temporal-window-plugin';
export { viewGeneratorPlugins, viewsModule } from './plugins/views-module';
