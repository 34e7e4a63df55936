import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { expectNoLeakedTensors, LayerNorm, Rng, TEST_BACKENDS, useBackend } from '@infomax/core';
import { expectClose, random } from './wasm-test-utils';

/** Layer norm written the plain way, differentiated by tfjs op by op: the reference. */
function referenceLayerNorm(x: tf.Tensor, gamma: tf.Tensor | null, beta: tf.Tensor | null, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
  if (gamma) y = tf.mul(y, gamma);
  if (beta) y = tf.add(y, beta);
  return y;
}

const CASES: { name: string; shape: number[]; affine: boolean; scale: number }[] = [
  { name: 'dense features [N, C]', shape: [16, 7], affine: true, scale: 1 },
  { name: 'NHWC feature map', shape: [4, 3, 5, 6], affine: true, scale: 1 },
  { name: 'a 1x1 map with offset, large values', shape: [2, 1, 1, 9], affine: true, scale: 40 },
  { name: 'no affine parameters', shape: [6, 4, 3], affine: false, scale: 1 },
];

// The closed-form gradient (custom, fewer kernels) against tfjs' autodiff of the formula; cpu is
// the numerical reference (1e-5), wasm runs the same maths through its kernels.
for (const { name: backend, tolerance } of TEST_BACKENDS) {
  describe(`LayerNorm gradient on ${backend}`, () => {
    beforeAll(() => useBackend(backend));
    const rng = new Rng(`ln-${backend}`);

    for (const c of CASES) {
      it(`matches autodiff of the formula: ${c.name}`, () => {
        const channels = c.shape[c.shape.length - 1]!;
        const ln = new LayerNorm({ channels, affine: c.affine });
        const x = tf.tidy(() => tf.add(tf.mul(tf.tensor(random(rng, c.shape).values, c.shape), c.scale), 3));
        const w = tf.tensor(random(rng, c.shape).values, c.shape);
        if (ln.gamma) ln.gamma.assign(tf.tensor1d(random(rng, [channels]).values as Float32Array));
        if (ln.beta) ln.beta.assign(tf.tensor1d(random(rng, [channels]).values as Float32Array));
        const params = [ln.gamma, ln.beta].filter((p): p is tf.Variable => p !== null);
        const loss = (xx: tf.Tensor) => tf.sum(tf.mul(ln.apply(xx), w)) as tf.Scalar;
        const got = tf.tidy(() => {
          const dx = tf.grad(loss)(x);
          const dParams = params.length ? tf.variableGrads(() => loss(x), params).grads : {};
          return [dx, ...params.map((p) => dParams[p.name]!)].map((t) => Float32Array.from(t.dataSync()));
        });
        const want = tf.tidy(() => {
          const f = (xx: tf.Tensor, g?: tf.Tensor, b?: tf.Tensor) => tf.sum(tf.mul(referenceLayerNorm(xx, g ?? null, b ?? null, 1e-5), w));
          const grads = c.affine ? tf.grads(f)([x, ln.gamma!, ln.beta!]) : [tf.grad((xx: tf.Tensor) => f(xx))(x)];
          return grads.map((t) => Float32Array.from(t.dataSync()));
        });
        expectClose(want, got, tolerance);
        const [y, yRef] = tf.tidy(() => [ln.apply(x), referenceLayerNorm(x, ln.gamma, ln.beta, 1e-5)].map((t) => Float32Array.from(t.dataSync())));
        expectClose([yRef!], [y!], tolerance);
        tf.dispose([x, w]);
        ln.dispose();
      });
    }

    it('leaks no tensors in a training step', async () => {
      const ln = new LayerNorm({ channels: 5 });
      const x = tf.tensor(random(rng, [3, 5]).values, [3, 5]);
      await expectNoLeakedTensors(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(ln.apply(x))) as tf.Scalar, ln.trainableVariables);
        tf.dispose([value, ...Object.values(grads)]);
      });
      x.dispose();
      ln.dispose();
    });
  });
}
