import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createContainer, expectNoLeakedTensors, InvalidPluginConfigError, Rng, Tokens, useBackend, type ViewGenerator } from '@infomax/core';
import { RandomApply, TwoViewGenerator, viewsModule } from '@infomax/views';
import { RandomErasing } from '../src/random-erasing';
import { erasingViewsModule } from '../src/erasing-views-plugin';
import { buildErasingSetup, trainWithErasing, type ErasingResult } from '../src/train-with-erasing';
import { asciiImage, sideBySide } from '../src/ascii-image';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** A batch whose every pixel differs from 0.5, so erased pixels are recognisable. */
function batchOf(n: number, h: number, w: number, c: number, seed = 0): tf.Tensor4D {
  const values = new Rng(seed).uniformArray(n * h * w * c, 0, 0.4);
  return tf.tensor4d(values, [n, h, w, c]);
}

/** Per image, the pixels (all channels) equal to the fill value. */
async function erasedPixels(x: tf.Tensor4D, value: number): Promise<number[]> {
  const [n, h, w, c] = x.shape;
  const data = await x.data();
  return Array.from({ length: n }, (_, i) => {
    let count = 0;
    for (let p = 0; p < h * w; p++) {
      let all = true;
      for (let k = 0; k < c; k++) all &&= data[((i * h * w) + p) * c + k] === value;
      if (all) count++;
    }
    return count;
  });
}

describe('RandomErasing', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('keeps the shape and erases one box of the configured area per image', async () => {
    const erasing = new RandomErasing({ scale: [0.1, 0.2], ratio: [0.5, 2], value: 0.5 });
    const x = batchOf(6, 16, 20, 3);
    const params = erasing.sampleParams(x.shape, new Rng(7));
    const y = erasing.applyParams(x, params);
    expect(y.shape).toEqual(x.shape);
    const counts = await erasedPixels(y, 0.5);
    params.forEach((box, i) => {
      expect(box.top + box.height).toBeLessThanOrEqual(16);
      expect(box.left + box.width).toBeLessThanOrEqual(20);
      expect(counts[i]).toBe(box.height * box.width);
      // Rounding the sides to whole pixels moves the area a little past the drawn fraction.
      const fraction = (box.height * box.width) / (16 * 20);
      expect(fraction).toBeGreaterThan(0.06);
      expect(fraction).toBeLessThan(0.26);
    });
    // Outside the box, every pixel is untouched.
    const [xs, ys] = [await x.data(), await y.data()];
    let changedOutside = 0;
    for (let i = 0; i < xs.length; i++) if (ys[i] !== xs[i] && ys[i] !== 0.5) changedOutside++;
    expect(changedOutside).toBe(0);
    tf.dispose([x, y]);
  });

  it('is deterministic by seed, differs across seeds, and matches the cpu backend', async () => {
    const erasing = new RandomErasing();
    const x = batchOf(4, 12, 12, 1, 3);
    const run = (seed: number) => erasing.apply(x, new Rng(seed));
    const [a, b, c] = [run(11), run(11), run(12)];
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    expect(Array.from(await a.data())).not.toEqual(Array.from(await c.data()));
    const wasm = Array.from(await a.data());
    await useBackend('cpu');
    const onCpu = erasing.apply(tf.tensor4d(await x.data(), x.shape), new Rng(11));
    expect(Array.from(await onCpu.data())).toEqual(wasm);
    onCpu.dispose();
    await useBackend('wasm');
    tf.dispose([x, a, b, c]);
  });

  it('gives inactive images an empty box without shifting the other images\' boxes', async () => {
    const erasing = new RandomErasing();
    const shape = [5, 10, 10, 1] as const;
    const all = erasing.sampleParams(shape, new Rng(4));
    const some = erasing.sampleParams(shape, new Rng(4), [true, false, true, false, false]);
    expect(some[0]).toEqual(all[0]);
    expect(some[2]).toEqual(all[2]);
    expect(some[1]!.height * some[1]!.width).toBe(0);
    // Through RandomApply: p = 0 is the identity, p = 1 erases every image.
    const x = batchOf(5, 10, 10, 1);
    const none = new RandomApply(erasing, 0).apply(x, new Rng(1));
    expect(Array.from(await none.data())).toEqual(Array.from(await x.data()));
    const every = new RandomApply(erasing, 1).apply(x, new Rng(1));
    for (const count of await erasedPixels(every, 0.5)) expect(count).toBeGreaterThan(0);
    tf.dispose([x, none, every]);
  });

  it('rejects bad options with the field named', () => {
    expect(() => new RandomErasing({ scale: [0.5, 0.2] })).toThrow(/scale must satisfy/);
    expect(() => new RandomErasing({ ratio: [0, 1] })).toThrow(/ratio must satisfy/);
  });

  it('leaks no tensors', async () => {
    const erasing = new RandomApply(new RandomErasing(), 0.5);
    const x = batchOf(8, 8, 8, 3);
    const rng = new Rng(0);
    await expectNoLeakedTensors(() => erasing.apply(x, rng).dispose());
    x.dispose();
  });
});

describe("the 'two-view-erasing' view generator", () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  const generatorFor = (options: Record<string, unknown>) =>
    createContainer({ modules: [viewsModule, erasingViewsModule], config: { seed: 0, viewGenerator: { name: 'two-view-erasing', options } } }).get<ViewGenerator>(
      Tokens.ViewGenerator,
    );

  it('is resolved by name and puts erasing between the augmentations and the normalisation', () => {
    const generator = generatorFor({ normalize: { mean: [0.5], std: [0.25] }, erasing: { p: 0.3 } });
    expect(generator).toBeInstanceOf(TwoViewGenerator);
    const config = generator.getConfig() as { sharedFlip: number; view1: { transforms: { name: string; p?: number; transform?: { name: string } }[] } };
    expect(config.sharedFlip).toBe(0.5);
    const names = config.view1.transforms.map((t) => t.name);
    expect(names).toEqual(['compose', 'random-apply', 'normalize']);
    expect(config.view1.transforms[1]).toMatchObject({ p: 0.3, transform: { name: 'random-erasing', scale: [0.02, 0.25], value: 0.5 } });
  });

  it('validates its erasing options at start-up', () => {
    expect(() => generatorFor({ erasing: { p: 2 } })).toThrow(InvalidPluginConfigError);
    expect(() => generatorFor({ erasing: { scale: [0.1, 1.5] } })).toThrow(/erased fraction/);
  });

  it('erases boxes in views of a custom (otherwise empty) recipe, reproducibly', async () => {
    const generator = generatorFor({ preset: 'custom', erasing: { p: 1, value: 0.5 } });
    const x = batchOf(4, 16, 16, 1, 9);
    const a = generator.generate(x, new Rng(3));
    const b = generator.generate(x, new Rng(3));
    expect(a.view1!.shape).toEqual(x.shape);
    expect(Array.from(await a.view1!.data())).toEqual(Array.from(await b.view1!.data()));
    expect(Array.from(await a.view2!.data())).toEqual(Array.from(await b.view2!.data()));
    // Each view has its own box.
    expect(Array.from(await a.view1!.data())).not.toEqual(Array.from(await a.view2!.data()));
    for (const count of [...(await erasedPixels(a.view1 as tf.Tensor4D, 0.5)), ...(await erasedPixels(a.view2 as tf.Tensor4D, 0.5))]) {
      expect(count).toBeGreaterThan(0);
    }
    tf.dispose([x, a, b]);
  });
});

describe('AMDIM trained on erasing views, short run on wasm', () => {
  let result: ErasingResult;

  beforeAll(async () => {
    await useBackend('wasm');
    result = await trainWithErasing({ steps: 10, batchSize: 12, imageCount: 96, ndf: 4, nRkhs: 16, learningRate: 3e-3, seed: 2, evalImages: 16 });
  }, 60_000);

  it('trains with finite, falling loss', () => {
    expect(result.losses).toHaveLength(10);
    expect(result.losses.every(Number.isFinite)).toBe(true);
    // Each step has its own batch and random views, so single steps are noisy: compare halves.
    expect(mean(result.losses.slice(-5))).toBeLessThan(mean(result.losses.slice(0, 5)) - 0.2);
    // The same images with the same views: only the weights changed.
    const { before, after } = result.fixedBatchLoss;
    expect(Number.isFinite(before) && Number.isFinite(after)).toBe(true);
    expect(after).toBeLessThan(before - 0.2);
    expect(Number.isFinite(result.finalMetrics.estimate)).toBe(true);
    expect(JSON.stringify(result.viewConfig)).toContain('random-erasing');
  });

  it('leaks no tensors across training steps', async () => {
    const setup = buildErasingSetup({ steps: 5, batchSize: 4, imageCount: 16, ndf: 4, nRkhs: 16 });
    let target = 0;
    await expectNoLeakedTensors(() => setup.trainer.run({ untilStep: ++target }), { warmup: 1, repeats: 3, label: 'trainer step' });
    setup.dispose();
  });
});

describe('ascii preview', () => {
  it('draws two pixel rows per line and places images side by side', () => {
    const image = [
      [0, 1],
      [0, 1],
      [0.5, 0.5],
      [0.5, 0.5],
    ];
    // 0 -> ' ', 1 -> '@' (the ends of the ramp), 0.5 -> '+' (its middle).
    expect(asciiImage(image)).toEqual([' @', '++']);
    const text = sideBySide([
      { caption: 'a', image },
      { caption: 'bb', image },
    ]);
    expect(text.split('\n')).toHaveLength(3);
    expect(text.split('\n')[0]).toBe('a    bb');
  });
});
