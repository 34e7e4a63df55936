import type * as tf from '@tensorflow/tfjs';
import type { ApplyOptions } from './encoder';
import type { Parameterised } from './parameterised';

/**
 * CPC's autoregressive summary: `frames` [B, T, D] -> contexts [B, T, C] where context t only
 * sees frames <= t; or a patch grid [B, H, W, D] -> [B, H, W, C] where row i only sees rows <= i.
 */
export interface ContextNetwork extends Parameterised {
  apply(z: tf.Tensor, options: ApplyOptions): tf.Tensor;
  getConfig(): Record<string, unknown>;
}
