import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm, expectNoLeakedTensors, Rng, ShapeError, TEST_BACKENDS, useBackend } from '@infomax/core';
import { expectClose, random } from './wasm-test-utils';

const CASES: { name: string; shape: number[]; groups: number; affine: boolean }[] = [
  { name: 'NHWC feature map, 2 groups', shape: [4, 3, 5, 6], groups: 2, affine: true },
  { name: 'a 1x1 map (AMDIM f1), 2 groups', shape: [8, 1, 1, 5], groups: 2, affine: true },
  { name: 'dense features [N, C], 3 groups', shape: [9, 4], groups: 3, affine: true },
  { name: 'no affine parameters, 2 groups', shape: [6, 4, 3], groups: 2, affine: false },
];

interface Outcome {
  /** y, dL/dx, then dL/dgamma and dL/dbeta when affine, then the moving mean and variance. */
  tensors: Float32Array[];
}

/** A BatchNorm with random affine parameters, momentum 0.3 so several updates are visible. */
function makeNorm(channels: number, affine: boolean, rng: Rng): BatchNorm {
  const bn = new BatchNorm({ channels, affine, momentum: 0.3 });
  if (bn.gamma) bn.gamma.assign(tf.tensor1d(random(rng.fork('gamma'), [channels]).values as Float32Array));
  if (bn.beta) bn.beta.assign(tf.tensor1d(random(rng.fork('beta'), [channels]).values as Float32Array));
  return bn;
}

/** Values, gradients of sum(w * y) and moving statistics of one training step of `run`. */
function step(bn: BatchNorm, x: tf.Tensor, run: (input: tf.Tensor) => tf.Tensor, w: tf.Tensor): Outcome {
  const params = [bn.gamma, bn.beta].filter((p): p is tf.Variable => p !== null);
  const loss = (input: tf.Tensor) => tf.sum(tf.mul(run(input), w)) as tf.Scalar;
  const tensors = tf.tidy(() => {
    const y = run(x);
    const dx = tf.grad(loss)(x);
    const dParams = params.length ? tf.variableGrads(() => loss(x), params).grads : {};
    return [y, dx, ...params.map((p) => dParams[p.name]!)].map((t) => Float32Array.from(t.dataSync()));
  });
  // Three training calls above (y, dx, dParams): the moving statistics took three updates each.
  tensors.push(Float32Array.from(bn.movingMean.dataSync()), Float32Array.from(bn.movingVariance.dataSync()));
  return { tensors };
}

for (const { name: backend } of TEST_BACKENDS) {
  describe(`BatchNorm with statisticsGroups on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    const rng = new Rng(`grouped-bn-${backend}`);
    for (const c of CASES) {
      it(`equals one call per group: ${c.name}`, () => {
        const channels = c.shape[c.shape.length - 1]!;
        const caseRng = rng.fork(c.name);
        const x = tf.tensor(random(caseRng.fork('x'), c.shape).values, c.shape);
        const w = tf.tensor(random(caseRng.fork('w'), c.shape).values, c.shape);
        const grouped = makeNorm(channels, c.affine, caseRng.fork('bn'));
        const separate = makeNorm(channels, c.affine, caseRng.fork('bn'));

        const got = step(grouped, x, (input) => grouped.apply(input, { training: true, statisticsGroups: c.groups }), w);
        const want = step(
          separate,
          x,
          (input) => tf.concat(tf.split(input, c.groups, 0).map((part) => separate.apply(part, { training: true })), 0),
          w,
        );
        expect(got.tensors.length).toBe(c.affine ? 6 : 4);
        expectClose(want.tensors, got.tensors, 1e-5);
        // The groups really differ from whole-batch statistics (otherwise the test proves little).
        const whole = makeNorm(channels, c.affine, caseRng.fork('bn'));
        const pooled = tf.tidy(() => Float32Array.from(whole.apply(x, { training: true }).dataSync()));
        const maxDiff = pooled.reduce((m, v, i) => Math.max(m, Math.abs(v - got.tensors[0]![i]!)), 0);
        expect(maxDiff).toBeGreaterThan(1e-2);
        tf.dispose([x, w]);
        [grouped, separate, whole].forEach((m) => m.dispose());
      });
    }

    it('with statisticsGroups 1 is the plain call, bit for bit', () => {
      const x = tf.tensor(random(rng.fork('g1-x'), [6, 2, 3]).values, [6, 2, 3]);
      const w = tf.tensor(random(rng.fork('g1-w'), [6, 2, 3]).values, [6, 2, 3]);
      const a = makeNorm(3, true, rng.fork('g1-bn'));
      const b = makeNorm(3, true, rng.fork('g1-bn'));
      const got = step(a, x, (input) => a.apply(input, { training: true, statisticsGroups: 1 }), w);
      const want = step(b, x, (input) => b.apply(input, { training: true }), w);
      expect(got.tensors).toEqual(want.tensors);
      tf.dispose([x, w]);
      a.dispose();
      b.dispose();
    });

    it('ignores the groups in inference and leaves the moving statistics alone', () => {
      const x = tf.tensor(random(rng.fork('inf-x'), [4, 3]).values, [4, 3]);
      const bn = makeNorm(3, true, rng.fork('inf-bn'));
      tf.dispose(bn.apply(x, { training: true }));
      const before = [bn.movingMean, bn.movingVariance].map((v) => Float32Array.from(v.dataSync()));
      const grouped = tf.tidy(() => Float32Array.from(bn.apply(x, { training: false, statisticsGroups: 2 }).dataSync()));
      const plain = tf.tidy(() => Float32Array.from(bn.apply(x, { training: false }).dataSync()));
      expect(grouped).toEqual(plain);
      expect([bn.movingMean, bn.movingVariance].map((v) => Float32Array.from(v.dataSync()))).toEqual(before);
      x.dispose();
      bn.dispose();
    });

    it('names the batch and the group count when the batch does not split evenly', () => {
      const bn = new BatchNorm({ channels: 2 });
      const x = tf.zeros([6, 2]);
      expect(() => bn.apply(x, { training: true, statisticsGroups: 4 })).toThrow(ShapeError);
      expect(() => bn.apply(x, { training: true, statisticsGroups: 4 })).toThrow(
        'BatchNorm: a batch of 6 cannot be split into statisticsGroups = 4 equal groups; ' +
          'stack groups of the same size (e.g. both views of the same images), or pass statisticsGroups: 1',
      );
      expect(() => bn.apply(x, { training: true, statisticsGroups: 0 })).toThrow(
        'BatchNorm: statisticsGroups must be a positive integer, got 0',
      );
      expect(() => bn.apply(x, { training: true, statisticsGroups: 1.5 })).toThrow(
        'BatchNorm: statisticsGroups must be a positive integer, got 1.5',
      );
      x.dispose();
      bn.dispose();
    });

    it('leaks nothing in a grouped training step', async () => {
      const bn = new BatchNorm({ channels: 3 });
      const x = tf.randomNormal([6, 2, 3]);
      const vars = [bn.gamma!, bn.beta!];
      await expectNoLeakedTensors(
        () => {
          const { value, grads } = tf.variableGrads(
            () => tf.sum(tf.square(bn.apply(x, { training: true, statisticsGroups: 2 }))) as tf.Scalar,
            vars,
          );
          const dx = tf.grad((input: tf.Tensor) => tf.sum(bn.apply(input, { training: true, statisticsGroups: 3 })) as tf.Scalar)(x);
          tf.dispose([value, dx, ...Object.values(grads)]);
        },
        { label: 'grouped BatchNorm training step' },
      );
      x.dispose();
      bn.dispose();
    });
  });
}
