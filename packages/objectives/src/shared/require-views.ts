import type * as tf from '@tensorflow/tfjs';
import type { Views } from '@infomax/core';

/** The named views an objective needs, or an error naming what the view generator gave. */
export function requireViews(views: Views, names: readonly string[], objective: string): tf.Tensor[] {
  return names.map((name) => {
    const view = views[name];
    if (!view) {
      throw new Error(
        `${objective} needs the views ${names.map((n) => `'${n}'`).join(', ')}, but the view generator gave ` +
          `${Object.keys(views).map((n) => `'${n}'`).join(', ') || 'none'}. Pick a matching viewGenerator ` +
          `(e.g. 'two-view' for AMDIM, 'identity' for DIM).`,
      );
    }
    return view;
  });
}
