import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm, Conv2d, Dense, expectNoLeakedTensors, LayerNorm, Module, noisyIdentity, Rng, useBackend } from '@infomax/core';

class TwoLayer extends Module {
  readonly first: Dense;
  readonly norm: BatchNorm;
  constructor(rng: Rng) {
    super();
    this.first = this.addModule('first', new Dense({ inUnits: 3, units: 2 }, rng.fork('first')));
    this.norm = this.addModule('norm', new BatchNorm({ channels: 2 }));
  }
}

describe('nn layers', () => {
  beforeAll(() => useBackend('cpu'));

  it('names variables by their path in the module tree, independent of creation order', () => {
    const m = new TwoLayer(new Rng(1));
    expect([...m.namedVariables().keys()]).toEqual([
      'first/kernel',
      'first/bias',
      'norm/gamma',
      'norm/beta',
      'norm/moving_mean',
      'norm/moving_variance',
    ]);
    expect(m.trainableVariables).toHaveLength(4);
    expect(m.nonTrainableVariables).toHaveLength(2);
    m.dispose();
  });

  it('initialises identically from the same seed', async () => {
    const a = new Dense({ inUnits: 4, units: 3 }, new Rng(5));
    const b = new Dense({ inUnits: 4, units: 3 }, new Rng(5));
    expect(await a.kernel.data()).toEqual(await b.kernel.data());
    const bound = 1 / Math.sqrt(4);
    for (const v of await a.kernel.data()) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
  });

  it('Conv2d computes a hand-checked valid convolution with bias and explicit padding', async () => {
    const conv = new Conv2d(
      { inChannels: 1, filters: 1, kernelSize: 2, initialKernel: tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1]) },
      new Rng(0),
    );
    conv.bias!.assign(tf.tensor1d([0.5]));
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    // [[1,2],[4,5]]·[[1,2],[3,4]] = 1+4+12+20 = 37, then +0.5
    expect(Array.from(await conv.apply(x).data())).toEqual([37.5, 47.5, 67.5, 77.5]);
    const padded = new Conv2d({ inChannels: 1, filters: 1, kernelSize: 2, padding: 1, useBias: false }, new Rng(0));
    expect(padded.apply(x).shape).toEqual([1, 4, 4, 1]);
    expect(() => conv.apply(tf.zeros([1, 3, 3, 2]))).toThrow(/Conv2d input \(NHWC\)/);
  });

  it('BatchNorm normalises with batch statistics in training and moving statistics in inference', async () => {
    const bn = new BatchNorm({ channels: 1, momentum: 0.5 });
    const x = tf.tensor2d([[1], [3]]);
    const y = await bn.apply(x, { training: true }).data();
    expect(y[0]).toBeCloseTo(-1 / Math.sqrt(1 + 1e-5), 4);
    expect(y[1]).toBeCloseTo(1 / Math.sqrt(1 + 1e-5), 4);
    // moving mean 0.5*0 + 0.5*2 = 1; moving var 0.5*1 + 0.5*2 (unbiased var of [1,3]) = 1.5
    expect((await bn.movingMean.data())[0]).toBeCloseTo(1, 6);
    expect((await bn.movingVariance.data())[0]).toBeCloseTo(1.5, 6);
    const inference = await bn.apply(tf.tensor2d([[1]]), { training: false }).data();
    expect(inference[0]).toBeCloseTo(0, 6);
  });

  it('LayerNorm normalises each position over channels', async () => {
    const ln = new LayerNorm({ channels: 4 });
    const y = Array.from(await ln.apply(tf.tensor2d([[1, 2, 3, 4]])).data());
    const mean = y.reduce((a, b) => a + b, 0) / 4;
    const variance = y.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
    expect(mean).toBeCloseTo(0, 5);
    expect(variance).toBeCloseTo(1, 3);
    expect(() => ln.apply(tf.zeros([1, 3]))).toThrow(/expects 4 channels/);
  });

  it('noisyIdentity puts ones on the diagonal and small noise elsewhere', async () => {
    const w = await noisyIdentity(3, 3, 0.01, new Rng(1), true).array() as number[][];
    w.forEach((row, i) =>
      row.forEach((v, j) => expect(Math.abs(v - (i === j ? 1 : 0))).toBeLessThanOrEqual(0.01)),
    );
  });

  it('does not leak tensors in a forward pass and frees everything on dispose', async () => {
    const before = tf.memory().numTensors;
    const m = new TwoLayer(new Rng(2));
    const x = tf.ones([4, 3]);
    await expectNoLeakedTensors(() => tf.tidy(() => m.norm.apply(m.first.apply(x), { training: true })).dispose());
    x.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
