import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, registerTileGradient, Rng, TEST_BACKENDS, tileGradient, useBackend } from '@infomax/core';
import { random } from './wasm-test-utils';

/** The gradient tfjs 4.22 ships: the sum of dy over every tile, one slice per tile, by hand. */
function tileGradientByTiles(dy: Float32Array, dyShape: number[], xShape: number[]): Float32Array {
  const rank = xShape.length;
  const out = new Float32Array(xShape.reduce((a, b) => a * b, 1));
  const dyStrides = dyShape.map((_, i) => dyShape.slice(i + 1).reduce((a, b) => a * b, 1));
  const xStrides = xShape.map((_, i) => xShape.slice(i + 1).reduce((a, b) => a * b, 1));
  for (let flat = 0; flat < dy.length; flat++) {
    let xi = 0;
    for (let axis = 0; axis < rank; axis++) {
      const coord = Math.floor(flat / dyStrides[axis]!) % dyShape[axis]!;
      xi += (coord % xShape[axis]!) * xStrides[axis]!;
    }
    out[xi]! += dy[flat]!;
  }
  return out;
}

const CASES: { name: string; x: number[]; reps: number[] }[] = [
  { name: 'a column broadcast along rows (logAddExp)', x: [4, 1], reps: [1, 37] },
  { name: 'rank 1', x: [3], reps: [4] },
  { name: 'both axes of a matrix', x: [2, 3], reps: [3, 2] },
  { name: 'rank 3, middle axis', x: [2, 1, 3], reps: [1, 5, 1] },
  { name: 'rank 4, every axis', x: [2, 1, 2, 3], reps: [2, 3, 1, 2] },
  { name: 'rank 5 (tfjs has no gradient past rank 4)', x: [1, 2, 1, 2, 2], reps: [2, 1, 3, 1, 2] },
  { name: 'no tiling at all', x: [2, 3], reps: [1, 1] },
];

for (const { name: backend, tolerance } of TEST_BACKENDS) {
  describe(`Tile / broadcastTo gradient on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
      registerTileGradient();
    });

    const rng = new Rng(`tile-${backend}`);
    for (const c of CASES) {
      it(c.name, () => {
        const dyShape = c.x.map((d, i) => d * c.reps[i]!);
        const x = tf.tensor(random(rng, c.x).values, c.x);
        const dyValues = random(rng, dyShape).values as Float32Array;
        const dy = tf.tensor(dyValues, dyShape);
        const [grad] = tf.grads((xx: tf.Tensor) => tf.sum(tf.mul(tf.tile(xx, c.reps), dy)))([x]);
        expect(grad!.shape).toEqual(c.x);
        const expected = tileGradientByTiles(dyValues, dyShape, c.x);
        const actual = grad!.dataSync();
        expected.forEach((e, i) => expect(Math.abs(actual[i]! - e)).toBeLessThanOrEqual(tolerance * 10 * (1 + Math.abs(e))));
        tf.dispose([x, dy, grad!]);
      });
    }

    it('is the gradient of broadcastTo too, in a handful of kernels', async () => {
      const x = tf.tensor2d([[1], [2], [3]]);
      const dy = tf.tensor2d([
        [1, 2, 3, 4],
        [0, 0, 1, 0],
        [-1, 1, -1, 1],
      ]);
      const f = (xx: tf.Tensor) => tf.sum(tf.mul(tf.broadcastTo(xx, [3, 4]), dy));
      const profile = await tf.profile(() => tf.grads(f)([x])[0]!);
      expect(Array.from((profile.result as tf.Tensor).dataSync())).toEqual([10, 1, 0]);
      // tfjs' own gradient would take 4 Slice + 4 Add kernels here (one of each per tile).
      expect(profile.kernels.filter((k) => k.name === 'Slice')).toHaveLength(0);
      tf.dispose([x, dy, profile.result as tf.Tensor]);
    });

    it('is registered once and leaks nothing', async () => {
      registerTileGradient();
      registerTileGradient();
      const x = tf.randomNormal([3, 1]);
      await expectNoLeakedTensors(() => tf.dispose(tf.grads((xx: tf.Tensor) => tf.sum(tf.tile(xx, [2, 5])))([x])), {
        label: 'tile gradient',
      });
      await expectNoLeakedTensors(() => tf.tidy(() => tileGradient(tf.ones([2, 3]), [2, 3], [1, 1])).dispose(), {
        label: 'tileGradient without tiling',
      });
      x.dispose();
    });
  });
}
