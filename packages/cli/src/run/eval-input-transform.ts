import * as tf from '@tensorflow/tfjs';
import type { PluginSelection } from '@infomax/core';
import { AMDIM_CIFAR_RECIPE, AMDIM_STL_RECIPE, Normalize } from '@infomax/views';

interface Normalization {
  mean: number[];
  std: number[];
}

export interface EvalInputTransform {
  /** For eval.json and the start-up line, e.g. "normalize mean [0.5] std [0.5]". */
  description: string;
  apply(x: tf.Tensor): tf.Tensor;
}

const TWO_VIEW_PRESET_NORMALIZATION: Record<string, Normalization | false> = {
  'amdim-cifar': AMDIM_CIFAR_RECIPE.normalize,
  'amdim-stl': AMDIM_STL_RECIPE.normalize,
  custom: false,
};

function normalizationOf(selection: PluginSelection): Normalization | false {
  const options = (selection.options ?? {}) as Record<string, any>;
  switch (selection.name) {
    case 'two-view':
      return options.normalize !== undefined ? options.normalize : (TWO_VIEW_PRESET_NORMALIZATION[options.preset ?? 'amdim-cifar'] ?? false);
    case 'identity':
      return options.normalize ?? false;
    case 'patch-grid':
      return options.augment ? (options.augment.normalize ?? false) : false;
    default:
      return false;
  }
}

/**
 * The deterministic part of a run's views, for evaluation: the encoder was trained on
 * normalised views, so frozen features must be taken from inputs normalised the same way
 * (without the random augmentations). Unknown view generators get the inputs as they are.
 */
export function evalInputTransform(viewGenerator: PluginSelection): EvalInputTransform {
  const normalization = normalizationOf(viewGenerator);
  if (!normalization) return { description: 'none', apply: (x) => x };
  const normalize = new Normalize(normalization.mean, normalization.std);
  return {
    description: `normalize mean [${normalization.mean.map((v) => +v.toFixed(4)).join(', ')}] std [${normalization.std.map((v) => +v.toFixed(4)).join(', ')}]`,
    apply: (x) => (x.rank === 4 ? normalize.apply(x as tf.Tensor4D) : x),
  };
}
