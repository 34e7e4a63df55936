import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm, expectNoLeakedTensors, Rng, TEST_BACKENDS, useBackend } from '@infomax/core';
import { expectClose, random } from './wasm-test-utils';

/** Batch norm written the plain way, differentiated by tfjs op by op: the reference. */
function referenceBatchNorm(x: tf.Tensor, gamma: tf.Tensor | null, beta: tf.Tensor | null, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, [...Array(x.rank - 1).keys()]);
  let y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
  if (gamma) y = tf.mul(y, gamma);
  if (beta) y = tf.add(y, beta);
  return y;
}

const CASES: { name: string; shape: number[]; affine: boolean }[] = [
  { name: 'NHWC feature map', shape: [4, 3, 5, 6], affine: true },
  { name: 'dense features [N, C]', shape: [16, 7], affine: true },
  { name: 'a 1x1 map (AMDIM f1)', shape: [8, 1, 1, 5], affine: true },
  { name: 'no affine parameters', shape: [6, 4, 3], affine: false },
];

// BatchNorm's closed-form gradient (custom, fewer kernels) against tfjs' autodiff of the formula.
for (const { name: backend } of TEST_BACKENDS) {
  describe(`BatchNorm training gradient on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    const rng = new Rng(`bn-${backend}`);
    for (const c of CASES) {
      it(`matches autodiff of the formula: ${c.name}`, () => {
        const channels = c.shape[c.shape.length - 1]!;
        const bn = new BatchNorm({ channels, affine: c.affine });
        const x = tf.tensor(random(rng, c.shape).values, c.shape);
        const w = tf.tensor(random(rng, c.shape).values, c.shape);
        if (bn.gamma) bn.gamma.assign(tf.tensor1d(random(rng, [channels]).values as Float32Array));
        if (bn.beta) bn.beta.assign(tf.tensor1d(random(rng, [channels]).values as Float32Array));
        const params = [bn.gamma, bn.beta].filter((p): p is tf.Variable => p !== null);
        const loss = (xx: tf.Tensor) => tf.sum(tf.mul(bn.apply(xx, { training: true }), w)) as tf.Scalar;
        const got = tf.tidy(() => {
          const dx = tf.grad(loss)(x);
          const dParams = params.length ? tf.variableGrads(() => loss(x), params).grads : {};
          return [dx, ...params.map((p) => dParams[p.name]!)].map((t) => Float32Array.from(t.dataSync()));
        });
        const want = tf.tidy(() => {
          const f = (xx: tf.Tensor, g?: tf.Tensor, b?: tf.Tensor) =>
            tf.sum(tf.mul(referenceBatchNorm(xx, g ?? null, b ?? null, 1e-5), w));
          const grads = c.affine ? tf.grads(f)([x, bn.gamma!, bn.beta!]) : [tf.grad((xx: tf.Tensor) => f(xx))(x)];
          return grads.map((t) => Float32Array.from(t.dataSync()));
        });
        expectClose(want, got, 1e-4);
        const y = bn.apply(x, { training: true });
        const yRef = referenceBatchNorm(x, bn.gamma, bn.beta, 1e-5);
        expectClose([Float32Array.from(yRef.dataSync())], [Float32Array.from(y.dataSync())], 1e-5);
        tf.dispose([x, w, y, yRef]);
        bn.dispose();
      });
    }

    it('updates the moving statistics with the batch mean and unbiased variance', () => {
      const bn = new BatchNorm({ channels: 1, momentum: 0.5 });
      const x = tf.tensor2d([[1], [2], [3], [6]]);
      tf.dispose(bn.apply(x, { training: true }));
      // mean 3, biased variance 3.5, unbiased 14/3.
      expect(bn.movingMean.dataSync()[0]).toBeCloseTo(1.5, 5);
      expect(bn.movingVariance.dataSync()[0]).toBeCloseTo(0.5 + 0.5 * (14 / 3), 5);
      x.dispose();
      bn.dispose();
    });

    it('leaks nothing in a training step', async () => {
      const bn = new BatchNorm({ channels: 3 });
      const x = tf.randomNormal([5, 2, 3]);
      const vars = [bn.gamma!, bn.beta!];
      await expectNoLeakedTensors(
        () => {
          const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(bn.apply(x, { training: true }))) as tf.Scalar, vars);
          tf.dispose([value, ...Object.values(grads)]);
        },
        { label: 'BatchNorm training step' },
      );
      x.dispose();
      bn.dispose();
    });
  });
}
