import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@infomax/core';
import { activeAt, applyToImages, assertImageBatch, perImage } from '../transforms/image-batch';
import { ParametricTransformBase, type ImageBatchShape } from '../transforms/transform';
import { adjustHue } from './adjust-hue';
import { toGrayscale, toGrayscaleRgb } from './luminance';

export const JITTER_OPS = ['brightness', 'contrast', 'saturation', 'hue'] as const;
export type JitterOp = (typeof JITTER_OPS)[number];

export interface ColorJitterOptions {
  /** Brightness factor uniform in [max(0, 1 - b), 1 + b]. */
  brightness?: number;
  /** Contrast factor uniform in [max(0, 1 - c), 1 + c]. */
  contrast?: number;
  /** Saturation factor uniform in [max(0, 1 - s), 1 + s]. */
  saturation?: number;
  /** Hue shift uniform in [-h, h] turns, h in [0, 0.5]. */
  hue?: number;
}

/**
 * Per image: the four adjustments in that image's own order (slot-major: `order[i * 4 + slot]`
 * indexes JITTER_OPS) and one value per op (factor 1 / shift 0 = untouched).
 */
export interface ColorJitterParams {
  order: Uint8Array;
  values: Record<JitterOp, Float32Array>;
}

const IDENTITY: Record<JitterOp, number> = { brightness: 1, contrast: 1, saturation: 1, hue: 0 };

/**
 * Colour jitter with torchvision's semantics: each image draws its four values and a random
 * order of the four adjustments (each clipped to [0, 1]). Hue is an HSV rotation.
 *
 * Batched per order slot: at each of the four slots every image applies the op its order puts
 * there. Brightness, contrast and saturation are all blends `f x + (1 - f) target` (target 0,
 * the image's mean luminance, the pixel's luminance), so one fused blend with per-image factors
 * (1 for images doing another op) applies all three exactly; hue, the costly one, runs only on
 * the images whose order puts it in that slot (picked and placed back with selection matMuls). On 1-channel batches saturation and hue are no-ops.
 */
export class ColorJitter extends ParametricTransformBase<ColorJitterParams> {
  readonly name = 'color-jitter';
  readonly brightness: number;
  readonly contrast: number;
  readonly saturation: number;
  readonly hue: number;

  constructor(options: ColorJitterOptions = {}) {
    super();
    this.brightness = options.brightness ?? 0;
    this.contrast = options.contrast ?? 0;
    this.saturation = options.saturation ?? 0;
    this.hue = options.hue ?? 0;
    for (const op of ['brightness', 'contrast', 'saturation'] as const) {
      if (!(this[op] >= 0)) throw new Error(`ColorJitter: ${op} must be >= 0, got ${this[op]}`);
    }
    if (!(this.hue >= 0 && this.hue <= 0.5)) throw new Error(`ColorJitter: hue must be in [0, 0.5], got ${this.hue}`);
  }

  private range(op: JitterOp): [number, number] {
    if (op === 'hue') return [-this.hue, this.hue];
    return [Math.max(0, 1 - this[op]), 1 + this[op]];
  }

  sampleParams(shape: ImageBatchShape, rng: Rng, active?: readonly boolean[]): ColorJitterParams {
    const n = shape[0];
    const order = new Uint8Array(n * 4);
    const values = Object.fromEntries(JITTER_OPS.map((op) => [op, new Float32Array(n)])) as Record<
      JitterOp,
      Float32Array
    >;
    const enabled = JITTER_OPS.filter((op) => (op === 'hue' ? this.hue > 0 : this[op] > 0));
    for (let i = 0; i < n; i++) {
      order.set(rng.permutation(4), i * 4);
      const on = activeAt(active, i);
      for (const op of JITTER_OPS) {
        const drawn = enabled.includes(op) ? rng.uniform(...this.range(op)) : IDENTITY[op];
        values[op][i] = on ? drawn : IDENTITY[op];
      }
    }
    return { order, values };
  }

  applyParams(batch: tf.Tensor4D, params: ColorJitterParams): tf.Tensor4D {
    const channels = assertImageBatch(batch, 'ColorJitter input', [1, 3]);
    const n = batch.shape[0];
    if (params.order.length !== n * 4) {
      throw new Error(`ColorJitter: params are for ${params.order.length / 4} images, batch has ${n}`);
    }
    const acts = (op: JitterOp, i: number) =>
      params.values[op][i] !== IDENTITY[op] && (channels === 3 || op === 'brightness' || op === 'contrast');
    return tf.tidy(() => {
      let x = batch;
      for (let slot = 0; slot < 4; slot++) {
        const factors = {
          brightness: new Float32Array(n).fill(1),
          contrast: new Float32Array(n).fill(1),
          saturation: new Float32Array(n).fill(1),
        };
        const shifts = new Float32Array(n);
        const used = new Set<JitterOp>();
        for (let i = 0; i < n; i++) {
          const op = JITTER_OPS[params.order[i * 4 + slot]!]!;
          if (!acts(op, i)) continue;
          used.add(op);
          if (op === 'hue') shifts[i] = params.values.hue[i]!;
          else factors[op][i] = params.values[op][i]!;
        }
        if (used.has('brightness') || used.has('contrast') || used.has('saturation')) {
          x = fusedBlend(x, factors, used);
        }
        if (used.has('hue')) {
          const members = [...shifts.keys()].filter((i) => shifts[i] !== 0);
          x = applyToImages(x, members, (subset) => adjustHue(subset, perImage(members.map((i) => shifts[i]!))));
        }
      }
      return x === batch ? tf.clone(batch) : x;
    });
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      brightness: this.brightness,
      contrast: this.contrast,
      saturation: this.saturation,
      hue: this.hue,
    };
  }
}

/**
 * `clip(x * fb * fc * fs + (1 - fc) * mean + (1 - fs) * gray)`: with at most one factor per image
 * different from 1 this is exactly that image's brightness, contrast or saturation blend.
 */
function fusedBlend(
  x: tf.Tensor4D,
  factors: Record<'brightness' | 'contrast' | 'saturation', Float32Array>,
  used: Set<JitterOp>,
): tf.Tensor4D {
  const { brightness, contrast, saturation } = factors;
  let y: tf.Tensor = tf.mul(x, perImage(brightness.map((b, i) => b * contrast[i]! * saturation[i]!)));
  if (used.has('contrast')) {
    const mean = tf.mean(toGrayscale(x), [1, 2, 3], true);
    y = tf.add(y, tf.mul(perImage(contrast.map((f) => 1 - f)), mean));
  }
  if (used.has('saturation')) {
    y = tf.add(y, tf.mul(perImage(saturation.map((f) => 1 - f)), toGrayscaleRgb(x)));
  }
  return tf.clipByValue(y, 0, 1) as tf.Tensor4D;
}
