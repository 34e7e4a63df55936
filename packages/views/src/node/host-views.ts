import * as tf from '@tensorflow/tfjs';
import { fromHostTensor, Rng, toHostTensor, type HostTensor, type RngState, type ViewGenerator } from '@infomax/core';
import type { HostViews } from './view-task';

/**
 * Generates the views of a host batch on the current backend and reads them back: what a view
 * worker does per step. Deterministic given `rng`, like the generator itself.
 */
export async function generateHostViews(generator: ViewGenerator, batch: HostTensor, rng: RngState): Promise<HostViews> {
  const views = tf.tidy(() => generator.generate(fromHostTensor(batch), Rng.fromState(rng)));
  try {
    const out: HostViews = {};
    for (const [name, view] of Object.entries(views)) out[name] = await toHostTensor(view);
    return out;
  } finally {
    tf.dispose(views);
  }
}

/** The buffers of every view, for a transfer list. */
export function viewBuffers(views: HostViews): ArrayBuffer[] {
  return Object.values(views).map((view) => view.values.buffer as ArrayBuffer);
}
