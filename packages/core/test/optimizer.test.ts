import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, clipByGlobalNorm, expectNoLeakedTensors, TEST_BACKENDS, useBackend } from '@infomax/core';

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

for (const { name, tolerance } of TEST_BACKENDS) {
  describe(`Adam (${name})`, () => {
    beforeAll(() => useBackend(name));

    it('frees every tensor it allocated when disposed', () => {
      const w = tf.variable(tf.zeros([3, 4]));
      const before = tf.memory().numTensors;
      new Adam([['w', w]], { learningRate: 0.1 }).dispose();
      expect(tf.memory().numTensors).toBe(before);
      w.dispose();
    });

    it('matches a hand-computed update on a 2-element variable for 2 steps', async () => {
      const w = tf.variable(tf.tensor1d([1, -2]));
      const adam = new Adam([['w', w]], { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
      // Step 1: m = 0.1 g, v = 0.001 g^2, so m^ = g, v^ = g^2 and the update is lr * sign(g).
      adam.applyGradients({ w: tf.tensor1d([0.5, -1]) });
      expect(await values(w)).toEqual([expect.closeTo(0.9, 6), expect.closeTo(-1.9, 6)]);
      // Step 2, g = [0.1, 0.2], by hand:
      //   m = 0.9*[0.05, -0.1] + 0.1*[0.1, 0.2] = [0.055, -0.07];  m^ = m / 0.19
      //   v = 0.999*[0.00025, 0.001] + 0.001*[0.01, 0.04] = [0.00025975, 0.001039];  v^ = v / 0.001999
      //   w -= 0.1 * m^ / (sqrt(v^) + 1e-8)
      adam.applyGradients({ w: tf.tensor1d([0.1, 0.2]) }, 0.1);
      const expected0 = 0.9 - (0.1 * (0.055 / 0.19)) / Math.sqrt(0.00025975 / 0.001999);
      const expected1 = -1.9 - (0.1 * (-0.07 / 0.19)) / Math.sqrt(0.001039 / 0.001999);
      expect(expected0).toBeCloseTo(0.819696, 5);
      expect(expected1).toBeCloseTo(-1.848897, 5);
      const got = await values(w);
      expect(got[0]).toBeCloseTo(expected0, 5);
      expect(got[1]).toBeCloseTo(expected1, 5);
      expect(adam.step).toBe(2);
      adam.dispose();
      w.dispose();
    });

    it('follows tf.train.adam over several steps (same maths, different state keys)', async () => {
      const ours = tf.variable(tf.tensor2d([[0.3, -0.7], [1.2, 0.05]]));
      const theirs = tf.variable(ours.clone());
      const adam = new Adam([['layer/kernel', ours]], { learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-7 });
      const reference = tf.train.adam(0.01, 0.8, 0.99, 1e-7);
      const target = tf.tensor2d([[1, 2], [3, 4]]);
      for (let i = 0; i < 5; i++) {
        const loss = (v: tf.Variable) => () => tf.sum(tf.square(tf.sub(tf.mul(v, v), target))) as tf.Scalar;
        const g = tf.variableGrads(loss(ours), [ours]);
        adam.applyGradients({ 'layer/kernel': g.grads[ours.name]! });
        tf.dispose([g.value, g.grads[ours.name]!]);
        reference.minimize(loss(theirs), false, [theirs]);
      }
      const a = await values(ours);
      const b = await values(theirs);
      a.forEach((x, i) => expect(Math.abs(x - b[i]!)).toBeLessThan(tolerance * 10));
      adam.dispose();
      reference.dispose();
      tf.dispose([ours, theirs, target]);
    });

    it('applies L2 and decoupled weight decay as documented', async () => {
      const a = tf.variable(tf.tensor1d([2]));
      const b = tf.variable(tf.tensor1d([2]));
      // Zero gradient: L2 makes the gradient 0.5 * 2 = 1, so the first step moves by lr.
      new Adam([['a', a]], { learningRate: 0.1, weightDecay: 0.5 }).applyGradients({ a: tf.zeros([1]) });
      // Decoupled: the adaptive part is 0 (m = 0), the decay shrinks by lr * wd * w = 0.1.
      new Adam([['b', b]], { learningRate: 0.1, weightDecay: 0.5, decoupledWeightDecay: true }).applyGradients({ b: tf.zeros([1]) });
      expect((await values(a))[0]).toBeCloseTo(1.9, 5);
      expect((await values(b))[0]).toBeCloseTo(1.9, 5);
    });

    it('continues identically from getState/setState in a fresh optimizer', async () => {
      const make = () => tf.variable(tf.tensor1d([0.5, 1.5, -1]));
      const grads = [[0.2, -0.1, 0.4], [0.3, 0.3, -0.2], [-0.5, 0.1, 0.1]];
      const straight = make();
      const adamA = new Adam([['p', straight]], { learningRate: 0.05 });
      for (const g of grads) adamA.applyGradients({ p: tf.tensor1d(g) });

      const first = make();
      const adamB = new Adam([['p', first]], { learningRate: 0.05 });
      adamB.applyGradients({ p: tf.tensor1d(grads[0]!) });
      const state = adamB.getState();
      const resumed = tf.variable(first.clone());
      const adamC = new Adam([['p', resumed]], { learningRate: 0.05 });
      adamC.setState(state);
      tf.dispose([...state.firstMoments.values(), ...state.secondMoments.values()]);
      for (const g of grads.slice(1)) adamC.applyGradients({ p: tf.tensor1d(g) });
      expect(adamC.step).toBe(3);
      expect(await values(resumed)).toEqual(await values(straight));
    });

    it('names the variable on a bad state or gradient', () => {
      const w = tf.variable(tf.zeros([2, 3]));
      const adam = new Adam([['enc/w', w]], { learningRate: 1 });
      expect(() => adam.applyGradients({ 'enc/x': tf.zeros([2, 3]) })).toThrow(/unknown variable 'enc\/x'/);
      expect(() => adam.applyGradients({ 'enc/w': tf.zeros([3, 2]) })).toThrow(/'enc\/w' has shape \[3, 2\], variable has \[2, 3\]/);
      expect(() =>
        adam.setState({ step: 1, firstMoments: new Map([['enc/w', tf.zeros([2, 2])]]), secondMoments: new Map([['enc/w', tf.zeros([2, 3])]]) }),
      ).toThrow(/first moment of 'enc\/w' has shape \[2, 2\], the variable has \[2, 3\]/);
      expect(adam.step).toBe(0);
    });

    it('does not leak tensors per update', async () => {
      const w = tf.variable(tf.ones([4]));
      const adam = new Adam([['w', w]], { learningRate: 0.1, weightDecay: 0.01 });
      const g = tf.fill([4], 0.5);
      await expectNoLeakedTensors(() => adam.applyGradients({ w: g }), { label: 'Adam.applyGradients' });
    });
  });

  describe(`clipByGlobalNorm (${name})`, () => {
    beforeAll(() => useBackend(name));

    it('scales all gradients by maxNorm / globalNorm when the norm is larger', async () => {
      const { grads, globalNorm } = clipByGlobalNorm({ a: tf.tensor1d([3]), b: tf.tensor2d([[0, 4]]) }, 1);
      expect((await globalNorm.data())[0]).toBeCloseTo(5, 5);
      expect((await values(grads.a))[0]).toBeCloseTo(0.6, 5);
      expect(await values(grads.b)).toEqual([0, expect.closeTo(0.8, 5)]);
      expect(grads.b.shape).toEqual([1, 2]);
    });

    it('leaves gradients under the limit unchanged', async () => {
      const { grads, globalNorm } = clipByGlobalNorm({ a: tf.tensor1d([3, 4]) }, 10);
      expect((await globalNorm.data())[0]).toBeCloseTo(5, 5);
      expect(await values(grads.a)).toEqual([expect.closeTo(3, 5), expect.closeTo(4, 5)]);
    });

    it('does not leak and rejects a non-positive limit', async () => {
      const g = { a: tf.ones([3]), b: tf.ones([2, 2]) };
      await expectNoLeakedTensors(
        () => {
          const out = clipByGlobalNorm(g, 0.5);
          tf.dispose([...Object.values(out.grads), out.globalNorm]);
        },
        { label: 'clipByGlobalNorm' },
      );
      expect(() => clipByGlobalNorm(g, 0)).toThrow(/maxNorm must be positive/);
    });
  });
}
