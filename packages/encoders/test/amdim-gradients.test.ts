import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng, useBackend } from '@infomax/core';
import { AmdimEncoder } from '@infomax/encoders';
import { seededNormal, seededUniform } from './helpers';

/**
 * A scalar that depends on every output: fixed random projections of f1, f5 and f7. Inference
 * mode: batch norm over a batch this small is so curved that float32 central differences do not
 * settle; with moving statistics it is affine and the check is sharp.
 */
function projectedLoss(encoder: AmdimEncoder, x: tf.Tensor, weights: Record<string, tf.Tensor>): tf.Scalar {
  return tf.tidy(() => {
    const features = encoder.apply(x, { training: false });
    return tf.addN(Object.entries(weights).map(([name, w]) => tf.sum(tf.mul(features[name]!, w)))) as tf.Scalar;
  });
}

// Conv filter gradients run on cpu only until the wasm backend has Conv2DBackpropFilter.
describe('AmdimEncoder gradients (cpu)', () => {
  it('match central finite differences along a direction per variable (ndf 4)', async () => {
    await useBackend('cpu');
    const encoder = new AmdimEncoder({ ndf: 4, nRkhs: 24, depth: 1 }, new Rng(21));
    // The zero-initialised second convs would block every gradient to the first convs.
    let k = 0;
    for (const [path, v] of encoder.namedVariables()) {
      if (path.endsWith('conv2/kernel')) v.assign(seededNormal(v.shape, `conv2-${k++}`, 0.3));
      if (path.endsWith('moving_mean') || path.endsWith('gamma')) v.assign(seededUniform(v.shape, path, 0.5, 1.5));
      if (path.endsWith('moving_variance')) v.assign(seededUniform(v.shape, path, 0.5, 2));
    }
    const x = seededUniform([2, 32, 32, 3], 22);
    const weights = {
      f1: seededNormal([2, 1, 1, 24], 23),
      f5: seededNormal([2, 5, 5, 16], 24),
      f7: seededNormal([2, 7, 7, 16], 25),
    };
    const { grads } = tf.variableGrads(() => projectedLoss(encoder, x, weights));
    const trainable = [...encoder.namedVariables()].filter(([, v]) => v.trainable);
    expect(Object.keys(grads)).toHaveLength(trainable.length);

    const eps = 1e-3;
    let checked = 0;
    for (const [path, variable] of trainable) {
      const g = grads[variable.name]!;
      // Direction: the gradient plus as much noise, unit norm, so the derivative is large
      // against float32 rounding yet a wrong gradient cannot match it.
      const direction = tf.tidy(() => {
        const noise = seededNormal(variable.shape, `dir-${path}`);
        const gNorm = tf.norm(g);
        const mixed = tf.add(g, tf.mul(noise, tf.div(gNorm, tf.add(tf.norm(noise), 1e-12))));
        return tf.div(mixed, tf.add(tf.norm(mixed), 1e-12));
      });
      const analytic = tf.tidy(() => tf.sum(tf.mul(g, direction)).dataSync()[0]!);
      const original = variable.clone();
      variable.assign(tf.tidy(() => tf.add(original, tf.mul(direction, eps))));
      const plus = tf.tidy(() => projectedLoss(encoder, x, weights).dataSync()[0]!);
      variable.assign(tf.tidy(() => tf.sub(original, tf.mul(direction, eps))));
      const minus = tf.tidy(() => projectedLoss(encoder, x, weights).dataSync()[0]!);
      variable.assign(original);
      const numeric = (plus - minus) / (2 * eps);
      expect(Math.abs(numeric - analytic), `${path}: numeric ${numeric} vs analytic ${analytic}`).toBeLessThanOrEqual(
        2e-2 * Math.abs(analytic) + 2e-3,
      );
      tf.dispose([original, direction]);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(15);
    tf.dispose([x, ...Object.values(weights), ...Object.values(grads)]);
    encoder.dispose();
  });
});

describe('AmdimEncoder forward, cpu vs wasm', () => {
  it('gives the same features on both backends from the same seed', async () => {
    const run = async (backend: string) => {
      await useBackend(backend);
      const encoder = new AmdimEncoder({ ndf: 4, nRkhs: 16, depth: 2, useBatchNorm: true }, new Rng(31));
      for (const [path, v] of encoder.namedVariables()) {
        if (path.endsWith('conv2/kernel')) v.assign(seededNormal(v.shape, path, 0.3));
      }
      const x = seededUniform([2, 32, 32, 3], 32);
      const features = encoder.apply(x, { training: true });
      const out = Object.fromEntries(Object.entries(features).map(([k, t]) => [k, Array.from(t.dataSync())]));
      tf.dispose([x, features]);
      encoder.dispose();
      return out;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    for (const name of ['f1', 'f5', 'f7']) {
      const a = cpu[name]!;
      const b = wasm[name]!;
      expect(b).toHaveLength(a.length);
      const scale = Math.max(...a.map(Math.abs));
      const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
      expect(worst, name).toBeLessThanOrEqual(1e-4 * Math.max(1, scale));
    }
  });
});
