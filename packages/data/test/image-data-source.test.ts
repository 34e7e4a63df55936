import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, TEST_BACKENDS, useBackend } from '@infomax/core';
import { BatchRequestError, ImageDataSource, InvalidDataError, SequenceDataSource } from '@infomax/data';

/** Four 2x3 single-channel images whose pixel (n, y, x) is 10n + 3y + x. */
function tinyGray(extra: Partial<ConstructorParameters<typeof ImageDataSource>[0]> = {}) {
  const images = Uint8Array.from({ length: 4 * 6 }, (_, i) => {
    const n = Math.floor(i / 6);
    const y = Math.floor((i % 6) / 3);
    const x = i % 3;
    return 10 * n + 3 * y + x;
  });
  return new ImageDataSource({ name: 'tiny', images, shape: [4, 2, 3, 1], labels: [0, 1, 2, 1], ...extra });
}

const ix = (...values: number[]) => Int32Array.from(values);

for (const { name, tolerance } of TEST_BACKENDS) {
  describe(`ImageDataSource on ${name}`, () => {
    beforeAll(() => useBackend(name));

    it('gathers the requested rows, scaled to [0, 1], with int32 labels', async () => {
      const source = tinyGray();
      const { x, labels } = source.batch(ix(3, 0));
      expect(x.shape).toEqual([2, 2, 3, 1]);
      expect(x.dtype).toBe('float32');
      const values = Array.from(await x.data());
      const expected = [30, 31, 32, 33, 34, 35, 0, 1, 2, 3, 4, 5].map((v) => v / 255);
      values.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, -Math.log10(tolerance)));
      expect(labels!.dtype).toBe('int32');
      expect(Array.from(await labels!.data())).toEqual([1, 0]);
      x.dispose();
      labels!.dispose();
    });

    it('zero-pads centred and replicates grayscale to 3 channels', async () => {
      const source = tinyGray({ padTo: [4, 5], channels: 3 });
      expect(source.exampleShape).toEqual([4, 5, 3]);
      const { x, labels } = source.batch(ix(1));
      const out = (await x.array()) as number[][][][];
      // 2x3 in 4x5: one row above and below, one column left and right.
      const plane = out[0]!.map((row) => row.map((px) => Math.round(px[0]! * 255)));
      expect(plane).toEqual([
        [0, 0, 0, 0, 0],
        [0, 10, 11, 12, 0],
        [0, 13, 14, 15, 0],
        [0, 0, 0, 0, 0],
      ]);
      expect(out[0]![2]![3]).toEqual([15 / 255, 15 / 255, 15 / 255].map((v) => expect.closeTo(v, 6)));
      x.dispose();
      labels!.dispose();
    });

    it('pads 28x28 to 32x32 with a 2-pixel border', async () => {
      const images = new Uint8Array(28 * 28).fill(255);
      const source = new ImageDataSource({ name: 'f', images, shape: [1, 28, 28, 1], padTo: 32 });
      const x = source.batch(ix(0)).x;
      const plane = ((await x.array()) as number[][][][])[0]!.map((row) => row.map((px) => px[0]));
      expect(plane[1]![16]).toBe(0);
      expect(plane[2]![1]).toBe(0);
      expect(plane[2]![2]).toBe(1);
      expect(plane[29]![29]).toBe(1);
      expect(plane[29]![30]).toBe(0);
      expect(plane[30]![16]).toBe(0);
      expect((await x.sum().data())[0]).toBeCloseTo(28 * 28, 3);
      tf.dispose([x]);
    });

    it('converts RGB to luma when asked for one channel', async () => {
      const source = new ImageDataSource({
        name: 'rgb',
        images: Uint8Array.of(255, 0, 0, 0, 255, 0),
        shape: [1, 1, 2, 3],
        channels: 1,
      });
      const x = source.batch(ix(0)).x;
      expect(x.shape).toEqual([1, 1, 2, 1]);
      const [red, green] = Array.from(await x.data());
      expect(red).toBeCloseTo(0.299, 5);
      expect(green).toBeCloseTo(0.587, 5);
      x.dispose();
    });

    it('uses float images as they are', async () => {
      const source = new ImageDataSource({ name: 'f', images: Float32Array.of(-1, 0.5), shape: [2, 1, 1, 1] });
      const x = source.batch(ix(1, 0)).x;
      expect(Array.from(await x.data())).toEqual([0.5, -1]);
      x.dispose();
    });

    it('returns its tensors to the caller and holds none itself', async () => {
      const before = tf.memory().numTensors;
      const source = tinyGray({ padTo: 4 }).subset([0, 2, 3]);
      expect(tf.memory().numTensors).toBe(before);
      const batch = source.batch(ix(0, 1));
      expect(tf.memory().numTensors).toBe(before + 2);
      tf.dispose([batch.x, batch.labels!]);
      expect(tf.memory().numTensors).toBe(before);
      await expectNoLeakedTensors(
        () => {
          const b = source.batch(ix(2, 1, 0));
          tf.dispose([b.x, b.labels!]);
        },
        { label: 'ImageDataSource.batch' },
      );
    });

    it('batches sequences as [B, T, C]', async () => {
      const values = Float32Array.from({ length: 3 * 4 * 2 }, (_, i) => i);
      const source = new SequenceDataSource({ name: 's', sequences: values, shape: [3, 4, 2], labels: [1, 0, 1] });
      expect(source.exampleShape).toEqual([4, 2]);
      const { x, labels } = source.batch(ix(2, 0));
      expect(x.shape).toEqual([2, 4, 2]);
      const flat = Array.from(await x.data());
      expect(flat.slice(0, 8)).toEqual([16, 17, 18, 19, 20, 21, 22, 23]);
      expect(flat.slice(8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(Array.from(await labels!.data())).toEqual([1, 1]);
      tf.dispose([x, labels!]);
    });
  });
}

describe('ImageDataSource validation and views', () => {
  it('rejects labels out of range, naming the example', () => {
    expect(() => tinyGray({ labels: [0, 1, 5, 1], numClasses: 3 })).toThrow(InvalidDataError);
    expect(() => tinyGray({ labels: [0, 1, 5, 1], numClasses: 3 })).toThrow(
      /tiny: label 5 of example 2 is outside 0\.\.2 \(numClasses 3\)/,
    );
    expect(() => tinyGray({ labels: Int32Array.of(0, -1, 0, 0) })).toThrow(/label -1 of example 1/);
    expect(() => tinyGray({ labels: [0, 1.5, 0, 0] })).toThrow(/label 1\.5 of example 1/);
    expect(() => tinyGray({ labels: [0, 1, 2] })).toThrow(/3 labels for 4 examples/);
    expect(() => tinyGray({ classNames: ['a', 'b'] })).toThrow(/label 2 of example 2 is outside 0\.\.1/);
  });

  it('infers the class count and keeps class names', () => {
    expect(tinyGray().numClasses).toBe(3);
    expect(tinyGray({ numClasses: 10 }).numClasses).toBe(10);
    expect(tinyGray({ classNames: ['a', 'b', 'c'] }).classNames).toEqual(['a', 'b', 'c']);
  });

  it('rejects NaN and infinity in float data, naming the example', () => {
    expect(() => new ImageDataSource({ name: 'f', images: Float32Array.of(0, 1, NaN, 0), shape: [2, 1, 2, 1] })).toThrow(
      /f: value NaN at example 1 \(element 0 of 2\)/,
    );
    expect(
      () => new SequenceDataSource({ name: 's', sequences: Float32Array.of(0, Infinity), shape: [1, 2, 1] }),
    ).toThrow(/s: value Infinity at example 0/);
  });

  it('rejects a shape that does not match the data, and impossible layouts', () => {
    expect(() => new ImageDataSource({ name: 'x', images: new Uint8Array(5), shape: [1, 2, 3, 1] })).toThrow(
      /shape \[1, 2, 3, 1\] holds 6 values but images has 5/,
    );
    expect(() => tinyGray({ padTo: 2 })).toThrow(/padTo 2x2 must be integers at least the image size 2x3/);
    expect(() => tinyGray({ channels: 2 })).toThrow(/cannot make 2-channel batches from 1-channel images/);
  });

  it('says how to fix a batch larger than the data set', () => {
    const source = tinyGray();
    expect(() => source.batch(new Int32Array(5))).toThrow(BatchRequestError);
    expect(() => source.batch(new Int32Array(5))).toThrow(
      /tiny: a batch of 5 examples was requested but the data set holds only 4; use a batch size of at most 4/,
    );
    expect(() => source.batch(ix(0, 4))).toThrow(/index 4 \(position 1 of the request\) is outside 0\.\.3/);
    expect(() => source.batch(ix(-1))).toThrow(/index -1/);
    expect(() => source.batch(new Int32Array(0))).toThrow(/got no indices/);
    expect(() => source.batch([0] as unknown as Int32Array)).toThrow(/takes an Int32Array/);
  });

  it('makes subsets and splits as views over the same bytes', () => {
    const source = tinyGray();
    const subset = source.subset([3, 1]);
    expect(subset.size).toBe(2);
    expect(Array.from(subset.labelArray())).toEqual([1, 1]);
    expect(subset.rawExample(0).buffer).toBe(source.rawExample(3).buffer);
    expect(Array.from(subset.rawExample(0))).toEqual([30, 31, 32, 33, 34, 35]);
    expect(subset.subset([1]).labelAt(0)).toBe(1);
    expect(Array.from(subset.subset([1]).rawExample(0))).toEqual([10, 11, 12, 13, 14, 15]);
    expect(() => subset.batch(ix(2))).toThrow(/outside 0\.\.1/);

    const [a, b] = source.split(0.5);
    expect([a.size, b.size]).toEqual([2, 2]);
    expect(Array.from(a.labelArray())).toEqual([0, 1]);
    expect(Array.from(b.labelArray())).toEqual([2, 1]);

    const [c, d] = source.split(3, { rng: new Rng(4) });
    const seen = [...Array.from({ length: 3 }, (_, i) => c.rawExample(i)[0]), d.rawExample(0)[0]].sort();
    expect(seen).toEqual([0, 10, 20, 30]);
    expect(() => source.split(4)).toThrow(/both parts non-empty/);

    const padded = subset.withOutput({ padTo: 6, channels: 3 });
    expect(padded.exampleShape).toEqual([6, 6, 3]);
    expect(padded.size).toBe(2);
    expect(padded.rawExample(0).buffer).toBe(source.rawExample(0).buffer);
    expect(source.take(3).size).toBe(3);
  });
});
