import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, ShapeError, TEST_BACKENDS, useBackend } from '@infomax/core';
import {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustSaturation,
  applyToImages,
  ColorJitter,
  Compose,
  HorizontalFlip,
  JITTER_OPS,
  normalisedBox,
  Normalize,
  RandomApply,
  RandomGrayscale,
  RandomResizedCrop,
  reflectIndex,
  ReflectTranslate,
  sampleCropBox,
  type Transform,
} from '@infomax/views';
import { maxAbsDiff, randomImages } from './images';

/** v(y, x) = 10 y + x on a 4 x 5 single-channel image. */
const ramp = () => tf.tensor4d(Array.from({ length: 20 }, (_, i) => 10 * Math.floor(i / 5) + (i % 5)), [1, 4, 5, 1]);

describe('reflectIndex', () => {
  it('mirrors without repeating the edge, at any distance', () => {
    expect([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7].map((i) => reflectIndex(i, 4))).toEqual([3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1]);
    expect(reflectIndex(-5, 1)).toBe(0);
  });
});

describe('sampleCropBox', () => {
  it('stays inside the image with area and ratio in range', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 300; i++) {
      const box = sampleCropBox(32, 48, [0.3, 1], [0.7, 1.4], rng);
      expect(box.top).toBeGreaterThanOrEqual(0);
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.top + box.height).toBeLessThanOrEqual(32);
      expect(box.left + box.width).toBeLessThanOrEqual(48);
      // Rounding to whole pixels moves area and ratio a little off the sampled values.
      expect(box.height * box.width).toBeGreaterThanOrEqual(0.27 * 32 * 48);
      expect(box.width / box.height).toBeGreaterThan(0.6);
      expect(box.width / box.height).toBeLessThan(1.6);
      for (const c of normalisedBox(box, 32, 48)) {
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(1);
      }
    }
  });

  it('falls back to the largest centred crop of allowed ratio', () => {
    // A 4:1 image cannot hold any crop of ratio <= 1.4 with area >= 0.9.
    expect(sampleCropBox(10, 40, [0.9, 1], [0.7, 1.4], new Rng(1))).toEqual({ top: 0, left: 13, height: 10, width: 14 });
  });
});

for (const { name, tolerance } of TEST_BACKENDS) {
  describe(`transforms on ${name}`, () => {
    beforeAll(() => useBackend(name));

    describe('HorizontalFlip', () => {
      it('mirrors exactly the chosen images', async () => {
        const x = randomImages([3, 4, 5, 3]);
        const out = new HorizontalFlip().applyParams(x, { flip: [true, false, true] });
        const expected = tf.concat([tf.reverse(x.slice(0, 1), 2), x.slice(1, 1), tf.reverse(x.slice(2, 1), 2)]);
        expect(await maxAbsDiff(out, expected)).toBe(0);
        const manual = (await x.array())[0]![2]!.slice().reverse();
        expect((await out.array())[0]![2]).toEqual(manual);
      });

      it('twice is the identity', async () => {
        const x = randomImages([8, 4, 4, 3]);
        const flip = new HorizontalFlip(0.5);
        const params = flip.sampleParams(x.shape, new Rng(2));
        expect(params.flip.some(Boolean) && !params.flip.every(Boolean)).toBe(true);
        expect(await maxAbsDiff(flip.applyParams(flip.applyParams(x, params), params), x)).toBe(0);
      });
    });

    describe('ReflectTranslate', () => {
      it('shifts and reflects the borders (hand-built ramp)', async () => {
        const out = new ReflectTranslate(4).applyParams(ramp(), { dx: Int32Array.of(2), dy: Int32Array.of(-1) });
        // Rows read source rows 1, 2, 3, 2; columns read source columns 2, 1, 0, 1, 2.
        const row = (r: number) => [10 * r + 2, 10 * r + 1, 10 * r, 10 * r + 1, 10 * r + 2].map((v) => [v]);
        expect(out.shape).toEqual([1, 4, 5, 1]);
        expect(await out.array()).toEqual([[row(1), row(2), row(3), row(2)]]);
      });

      it('uses each image its own shift in one batch', async () => {
        const x = tf.concat([ramp(), ramp()]);
        const out = new ReflectTranslate(1).applyParams(x, { dx: Int32Array.of(0, -1), dy: Int32Array.of(0, 1) });
        const [first, second] = (await out.array()) as number[][][][];
        expect(first).toEqual((await ramp().array())[0]);
        // dy = 1: rows 1, 0, 1, 2; dx = -1: columns 1, 2, 3, 4, 3.
        const row = (r: number) => [1, 2, 3, 4, 3].map((c) => [10 * r + c]);
        expect(second).toEqual([row(1), row(0), row(1), row(2)]);
      });

      it('shifts horizontally only (exact, on every backend)', async () => {
        const out = new ReflectTranslate(2).applyParams(ramp(), { dx: Int32Array.of(-2), dy: Int32Array.of(0) });
        const row = (r: number) => [2, 3, 4, 3, 2].map((c) => [10 * r + c]);
        expect(await out.array()).toEqual([[row(0), row(1), row(2), row(3)]]);
      });

      it('falls back to gathering for shifts beyond the image', async () => {
        const out = new ReflectTranslate(9).applyParams(ramp(), { dx: Int32Array.of(7), dy: Int32Array.of(0) });
        // Columns reflect(x - 7) for x = 0..4: 1, 2, 3, 4, 3 (period 8).
        const row = (r: number) => [1, 2, 3, 4, 3].map((c) => [10 * r + c]);
        expect(await out.array()).toEqual([[row(0), row(1), row(2), row(3)]]);
      });

      it('by zero is the identity and keeps the size', async () => {
        const x = randomImages([4, 6, 6, 3]);
        const out = new ReflectTranslate(0).apply(x, new Rng(1));
        expect(out.shape).toEqual(x.shape);
        expect(await maxAbsDiff(out, x)).toBe(0);
        const moved = new ReflectTranslate(4).apply(x, new Rng(1));
        expect(moved.shape).toEqual(x.shape);
      });

      it('draws shifts in {-r..r}', () => {
        const { dx, dy } = new ReflectTranslate(2).sampleParams([500, 8, 8, 3], new Rng(4));
        expect(new Set([...dx, ...dy])).toEqual(new Set([-2, -1, 0, 1, 2]));
      });
    });

    describe('RandomResizedCrop', () => {
      it('resamples the box pixels when the sizes agree', async () => {
        const crop = new RandomResizedCrop({ size: [2, 3] });
        const at = (top: number, left: number) =>
          crop.applyParams(ramp(), { boxes: Float32Array.from(normalisedBox({ top, left, height: 2, width: 3 }, 4, 5)) });
        // Rows 1..2 and columns 2..4 of the ramp; then rows 0..1, columns 2..4 (the case wasm's
        // copy fast path got wrong). The box is narrowed by 1e-3 px, hence the tolerance.
        expect(await maxAbsDiff(at(1, 2), tf.tensor4d([[[[12], [13], [14]], [[22], [23], [24]]]]))).toBeLessThan(2e-3);
        expect(await maxAbsDiff(at(0, 2), tf.tensor4d([[[[2], [3], [4]], [[12], [13], [14]]]]))).toBeLessThan(2e-3);
      });

      it('outputs the requested size and keeps a constant image constant', async () => {
        const x = tf.fill([6, 20, 24, 3], 0.37) as tf.Tensor4D;
        const crop = new RandomResizedCrop({ size: [16, 16], scale: [0.3, 1], ratio: [0.7, 1.4] });
        const params = crop.sampleParams(x.shape, new Rng(5));
        params.boxes.forEach((c) => expect(c >= 0 && c <= 1).toBe(true));
        const out = crop.applyParams(x, params);
        expect(out.shape).toEqual([6, 16, 16, 3]);
        expect(await maxAbsDiff(out, tf.fill(out.shape, 0.37))).toBeLessThan(tolerance);
      });

      it('keeps the input size when no size is given; identity params are the identity', async () => {
        const x = randomImages([2, 9, 7, 1]);
        const crop = new RandomResizedCrop();
        expect(crop.apply(x, new Rng(1)).shape).toEqual([2, 9, 7, 1]);
        const skipped = crop.sampleParams(x.shape, new Rng(1), [false, false]);
        expect(await maxAbsDiff(crop.applyParams(x, skipped), x)).toBe(0);
      });
    });

    describe('colour', () => {
      it('grayscale gives three equal channels of the luma', async () => {
        const x = tf.tensor4d([0.2, 0.4, 0.8, 1, 0, 0], [1, 1, 2, 3]);
        const out = await new RandomGrayscale(1).apply(x, new Rng(1)).array();
        const g1 = 0.299 * 0.2 + 0.587 * 0.4 + 0.114 * 0.8;
        const g2 = 0.299;
        out[0]![0]!.forEach((pixel, i) => {
          expect(pixel[0]).toBe(pixel[1]);
          expect(pixel[1]).toBe(pixel[2]);
          expect(pixel[0]).toBeCloseTo(i === 0 ? g1 : g2, 6);
        });
      });

      it('grayscale, saturation and hue leave a 1-channel batch alone', async () => {
        const x = randomImages([2, 4, 4, 1]);
        expect(await maxAbsDiff(new RandomGrayscale(1).apply(x, new Rng(1)), x)).toBe(0);
        expect(await maxAbsDiff(adjustSaturation(x, 0.2), x)).toBe(0);
        expect(await maxAbsDiff(adjustHue(x, 0.3), x)).toBe(0);
        const jitter = new ColorJitter({ saturation: 0.9, hue: 0.5 });
        expect(await maxAbsDiff(jitter.apply(x, new Rng(2)), x)).toBe(0);
      });

      it('factor 1 / shift 0 is the identity', async () => {
        const x = randomImages([3, 5, 5, 3]);
        expect(await maxAbsDiff(adjustBrightness(x, 1), x)).toBeLessThan(1e-5);
        expect(await maxAbsDiff(adjustContrast(x, 1), x)).toBeLessThan(1e-5);
        expect(await maxAbsDiff(adjustSaturation(x, 1), x)).toBeLessThan(1e-5);
        expect(await maxAbsDiff(adjustHue(x, 0), x)).toBeLessThan(1e-5);
        expect(await maxAbsDiff(adjustHue(x, 1), x)).toBeLessThan(1e-5);
        expect(await maxAbsDiff(new ColorJitter().apply(x, new Rng(3)), x)).toBe(0);
      });

      it('adjustments match hand-computed values', async () => {
        const x = tf.tensor4d([0.2, 0.4, 0.8, 0.9, 0.1, 0.3], [1, 1, 2, 3]);
        const close = async (t: tf.Tensor, expected: number[]) =>
          expect(await maxAbsDiff(t, tf.tensor4d(expected, [1, 1, 2, 3]))).toBeLessThan(1e-5);
        await close(adjustBrightness(x, 2), [0.4, 0.8, 1, 1, 0.2, 0.6]);
        const gray = [0.299 * 0.2 + 0.587 * 0.4 + 0.114 * 0.8, 0.299 * 0.9 + 0.587 * 0.1 + 0.114 * 0.3];
        const mean = (gray[0]! + gray[1]!) / 2;
        await close(adjustContrast(x, 0.5), [0.2, 0.4, 0.8, 0.9, 0.1, 0.3].map((v) => 0.5 * v + 0.5 * mean));
        await close(adjustSaturation(x, 0), [gray[0]!, gray[0]!, gray[0]!, gray[1]!, gray[1]!, gray[1]!]);
        // Expected values from Python's colorsys (rgb -> hsv, h + shift, -> rgb).
        await close(adjustHue(x, tf.tensor4d([0.5], [1, 1, 1, 1])), [0.8, 0.6, 0.2, 0.1, 0.9, 0.7]);
        await close(adjustHue(tf.tensor4d([0.3, 0.7, 0.2, 1, 0, 0], [1, 1, 2, 3]), -0.2), [0.7, 0.5, 0.2, 0.8, 0, 1]);
        await close(adjustHue(tf.tensor4d([1, 0, 0, 0.5, 0.5, 0.5], [1, 1, 2, 3]), 1 / 3), [0, 1, 0, 0.5, 0.5, 0.5]);
      });

      it('jitter applies each image its own order and values (vs a per-image reference)', async () => {
        const x = randomImages([12, 4, 4, 3], 7);
        const jitter = new ColorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.2 });
        const params = jitter.sampleParams(x.shape, new Rng(8), [...Array(12)].map((_, i) => i % 4 !== 0));
        const batched = jitter.applyParams(x, params);
        const ops = { brightness: adjustBrightness, contrast: adjustContrast, saturation: adjustSaturation, hue: adjustHue };
        const reference = tf.concat(
          [...Array(12).keys()].map((i) => {
            let image = x.slice(i, 1);
            for (let slot = 0; slot < 4; slot++) {
              const op = JITTER_OPS[params.order[i * 4 + slot]!]!;
              image = ops[op](image, params.values[op][i]!);
            }
            return image;
          }),
        );
        expect(await maxAbsDiff(batched, reference)).toBeLessThan(1e-5);
        expect(await maxAbsDiff(batched.slice(0, 1), x.slice(0, 1))).toBe(0);
        expect(await maxAbsDiff(batched, x)).toBeGreaterThan(0.01);
      });
    });

    it('applyToImages changes only the chosen images', async () => {
      const x = randomImages([5, 3, 3, 3], 12);
      const out = applyToImages(x, [3, 1], (subset) => tf.sub(1, subset) as tf.Tensor4D);
      for (let i = 0; i < 5; i++) {
        const expected = i === 1 || i === 3 ? tf.sub(1, x.slice(i, 1)) : x.slice(i, 1);
        expect(await maxAbsDiff(out.slice(i, 1), expected)).toBe(0);
      }
    });

    describe('Normalize', () => {
      it('subtracts the mean and divides by the std per channel', async () => {
        const out = new Normalize([0.5, 0.25, 0], [0.5, 0.25, 2]).apply(tf.fill([1, 1, 2, 3], 0.5) as tf.Tensor4D);
        expect(await maxAbsDiff(out, tf.tensor4d([0, 1, 0.25, 0, 1, 0.25], [1, 1, 2, 3]))).toBeLessThan(1e-6);
      });

      it('names the channel mismatch', () => {
        expect(() => new Normalize([0.1, 0.2, 0.3], [1, 1, 1]).apply(randomImages([1, 2, 2, 1]))).toThrow(ShapeError);
        expect(() => new Normalize([0.1, 0.2, 0.3], [1, 1, 1]).apply(randomImages([1, 2, 2, 1]))).toThrow(
          /statistics for 3 channels but the batch has 1/,
        );
      });
    });

    describe('RandomApply and Compose', () => {
      it('p 0 is the identity, p 1 the transform', async () => {
        const x = randomImages([4, 6, 6, 3]);
        expect(await maxAbsDiff(new RandomApply(new ReflectTranslate(3), 0).apply(x, new Rng(1)), x)).toBe(0);
        const always = new RandomApply(new HorizontalFlip(1), 1).apply(x, new Rng(1));
        expect(await maxAbsDiff(always, tf.reverse(x, 2))).toBe(0);
      });

      it('selects per image for a non-parametric transform', async () => {
        const invert: Transform = { name: 'invert', apply: (b) => tf.sub(1, b) as tf.Tensor4D, getConfig: () => ({}) };
        const x = randomImages([16, 2, 2, 1]);
        const out = new RandomApply(invert, 0.5).apply(x, new Rng(9));
        const [xs, os] = [(await x.array()).flat(3), (await out.array()).flat(3)];
        let inverted = 0;
        for (let i = 0; i < 16; i++) {
          const same = xs.slice(i * 4, i * 4 + 4).every((v, k) => v === os[i * 4 + k]);
          const flipped = xs.slice(i * 4, i * 4 + 4).every((v, k) => Math.abs(1 - v - os[i * 4 + k]!) < 1e-6);
          expect(same || flipped).toBe(true);
          if (!same) inverted++;
        }
        expect(inverted).toBeGreaterThan(0);
        expect(inverted).toBeLessThan(16);
      });

      it('an empty Compose returns a new tensor equal to its input', async () => {
        const x = randomImages([1, 2, 2, 3]);
        const out = new Compose([]).apply(x, new Rng(1));
        expect(out).not.toBe(x);
        expect(await maxAbsDiff(out, x)).toBe(0);
      });
    });
  });
}
