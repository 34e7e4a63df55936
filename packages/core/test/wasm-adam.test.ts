import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, expectNoLeakedTensors, Rng, setSimdKernelsEnabled, useBackend, type AdamOptions } from '@infomax/core';

/** Runs `steps` Adam updates with fixed gradients and returns the variable and moments. */
function train(options: AdamOptions, steps: number, size: number): Float32Array[] {
  const rng = new Rng(`adam-${size}`);
  const w = tf.variable(tf.tensor1d(rng.normalArray(size)));
  const adam = new Adam([['w', w]], options);
  for (let t = 0; t < steps; t++) {
    const g = tf.tensor1d(rng.normalArray(size));
    adam.applyGradients({ w: g }, options.learningRate * (1 + t / 10));
    g.dispose();
  }
  const state = adam.getState();
  const out = [w, state.firstMoments.get('w')!, state.secondMoments.get('w')!].map((t) => Float32Array.from(t.dataSync()));
  tf.dispose([...state.firstMoments.values(), ...state.secondMoments.values()]);
  adam.dispose();
  w.dispose();
  return out;
}

describe('Adam on wasm: the fused update kernel', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => setSimdKernelsEnabled(true));

  const cases: [string, AdamOptions][] = [
    ['plain', { learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-7 }],
    ['L2 weight decay', { learningRate: 0.003, weightDecay: 0.1 }],
    ['decoupled weight decay', { learningRate: 0.003, weightDecay: 0.1, decoupledWeightDecay: true }],
  ];
  for (const [name, options] of cases) {
    it(`gives the same bits as the composed tfjs ops (${name}, 4099 values, 4 steps)`, () => {
      setSimdKernelsEnabled(false);
      const composed = train(options, 4, 4099);
      setSimdKernelsEnabled(true);
      const fused = train(options, 4, 4099);
      fused.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(composed[i]!)));
    });
  }

  it('runs one kernel per variable and leaks nothing', async () => {
    const w = tf.variable(tf.zeros([37]));
    const g = tf.ones([37]);
    const adam = new Adam([['w', w]], { learningRate: 0.1 });
    const profile = await tf.profile(() => adam.applyGradients({ w: g }));
    expect(profile.kernels.map((k) => k.name)).toEqual(['InfomaxAdamUpdate']);
    await expectNoLeakedTensors(() => adam.applyGradients({ w: g }));
    adam.dispose();
    tf.dispose([w, g]);
  });
});
