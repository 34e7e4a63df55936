import type { Rng } from '@infomax/core';

/** A crop in whole pixels. */
export interface PixelBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * Samples a random-resized-crop box: area fraction uniform in `scale`, aspect ratio (w / h)
 * log-uniform in `ratio`, up to 10 tries; otherwise the largest centred crop whose ratio is
 * within range. This is the usual (torchvision) sampling rule.
 */
export function sampleCropBox(
  height: number,
  width: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  rng: Rng,
): PixelBox {
  const area = height * width;
  const logRatio: [number, number] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logRatio[0], logRatio[1]));
    const w = Math.round(Math.sqrt(targetArea * aspect));
    const h = Math.round(Math.sqrt(targetArea / aspect));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      return { top: rng.int(0, height - h), left: rng.int(0, width - w), height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.max(1, Math.round(w / ratio[0]));
  else if (inRatio > ratio[1]) w = Math.max(1, Math.round(h * ratio[1]));
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/**
 * The `tf.image.cropAndResize` box [y1, x1, y2, x2] of a pixel crop. cropAndResize samples
 * corner-aligned (first and last output pixels land on the crop's first and last pixel
 * centres), so coordinates stay within [0, 1] and never read outside the image.
 */
export function normalisedBox(box: PixelBox, height: number, width: number): [number, number, number, number] {
  const sy = height > 1 ? height - 1 : 1;
  const sx = width > 1 ? width - 1 : 1;
  return [box.top / sy, box.left / sx, (box.top + box.height - 1) / sy, (box.left + box.width - 1) / sx];
}
