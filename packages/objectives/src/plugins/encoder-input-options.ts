import type { PluginSelection } from '@infomax/core';
import { withDerivedOptions } from '../shared/part-selection';

/**
 * The input options of the built-in encoders that follow from an objective's `inputShape`
 * (one example, without the batch axis). Encoder schemas are strict, so only encoders listed
 * here get derived options; any other encoder is built exactly as configured.
 */
const INPUT_OPTIONS: Record<string, (shape: readonly number[]) => Record<string, unknown>> = {
  'dim-basic': (shape) => ({ inputSize: shape[0], inChannels: shape[shape.length - 1] }),
  'cpc-strided-1d': (shape) => ({ inChannels: shape[shape.length - 1] }),
  'cpc-patch': (shape) => ({ inChannels: shape[shape.length - 1] }),
};

/** `selection` with the input options its encoder needs for `inputShape`, under the user's. */
export function encoderSelectionFor(selection: PluginSelection, inputShape: readonly number[]): PluginSelection {
  const derive = INPUT_OPTIONS[selection.name];
  return derive ? withDerivedOptions(selection, derive(inputShape)) : selection;
}
