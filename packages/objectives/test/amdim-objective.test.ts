import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContainer, expectNoLeakedTensors, Rng, Tokens, useBackend, type Objective } from '@infomax/core';
import { boundsModule } from '@infomax/bounds';
import { criticsModule } from '@infomax/critics';
import { encodersModule } from '@infomax/encoders';
import { AmdimObjective, objectivesModule } from '@infomax/objectives';

const modules = [boundsModule, criticsModule, encodersModule, objectivesModule];
const small = { name: 'amdim', options: { ndf: 4, nRkhs: 16 } };

function build(options: Record<string, unknown> = {}, seed = 1): AmdimObjective {
  const container = createContainer({
    modules,
    config: { seed, objective: { name: 'amdim', options: { encoder: small, ...options } } },
  });
  return container.get<Objective>(Tokens.Objective) as AmdimObjective;
}

function views(batch: number, seed: number) {
  const rng = new Rng(seed);
  return {
    view1: tf.tensor4d(rng.uniformArray(batch * 32 * 32 * 3), [batch, 32, 32, 3]),
    view2: tf.tensor4d(rng.uniformArray(batch * 32 * 32 * 3), [batch, 32, 32, 3]),
  };
}

describe('AMDIM objective', () => {
  // wasm: the cpu backend's conv filter gradient is far too slow for training steps.
  beforeAll(() => useBackend('wasm'));

  it('is assembled from plugins: encoder, two residual heads, InfoNCE', () => {
    const objective = build();
    const paths = [...objective.namedVariables().keys()];
    expect(paths.some((p) => p.startsWith('encoder/'))).toBe(true);
    expect(paths.some((p) => p.startsWith('critic5/'))).toBe(true);
    expect(paths.some((p) => p.startsWith('critic7/'))).toBe(true);
    expect(objective.getConfig().bound).toBe('infonce');
    expect(objective.auxiliaryGroups()).toEqual([]);
  });

  it('gives the two heads independent initial weights', async () => {
    const objective = build();
    const vars = objective.namedVariables();
    const k5 = [...vars].find(([p]) => p.startsWith('critic5/') && p.endsWith('kernel'))!;
    const k7 = [...vars].find(([p]) => p === k5[0].replace('critic5/', 'critic7/'))!;
    expect(k7).toBeDefined();
    expect(await k5[1].data()).not.toEqual(await k7[1].data());
  });

  it('computes a finite loss whose terms add up, with estimates below log(B L)', async () => {
    const objective = build();
    const v = views(4, 2);
    const out = objective.compute(v, { training: true, rng: new Rng(3) });
    const get = async (t: tf.Tensor) => (await t.data())[0]!;
    const loss = await get(out.loss);
    const sum = (await get(out.metrics.nce1t5!)) + (await get(out.metrics.nce1t7!)) + (await get(out.metrics.nce5t5!)) + (await get(out.metrics.regularizer!));
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeCloseTo(sum, 4);
    expect(await get(out.metrics.e1t5!)).toBeLessThanOrEqual(Math.log(1 + 3 * 25) + 1e-4);
  });

  it('trains: the loss falls over a few Adam steps on fixed views', async () => {
    const objective = build();
    const v = views(8, 4);
    const optimizer = tf.train.adam(2e-3);
    const losses: number[] = [];
    for (let step = 0; step < 8; step++) {
      const loss = optimizer.minimize(() => objective.compute(v, { training: true, rng: new Rng(step) }).loss, true, objective.trainableVariables)!;
      losses.push((await loss.data())[0]!);
      loss.dispose();
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  });

  it('swaps the bound by config: AMDIM with JSD (a composition no paper has)', async () => {
    const objective = build({ bound: { name: 'jsd' } });
    expect(objective.getConfig().bound).toBe('jsd');
    const out = objective.compute(views(4, 5), { training: true, rng: new Rng(1) });
    expect(Number.isFinite((await out.loss.data())[0]!)).toBe(true);
    expect((await out.metrics.regularizer!.data())[0]).toBe(0);
  });

  it("scores through the critic's own scoreEmbeddings (a critic option changes the loss)", async () => {
    const v = views(4, 8);
    const loss = async (options: Record<string, unknown>) =>
      (await build(options).compute(v, { training: false, rng: new Rng(2) }).loss.data())[0]!;
    const scaled = await loss({});
    const unscaled = await loss({ localCritic: { name: 'dot-product', options: { antecedentHead: 'none', consequentHead: 'amdim-residual', scaleBySqrtDim: false } } });
    expect(unscaled).not.toBeCloseTo(scaled, 3);
  });

  it('adds an online probe group on detached f1 when labels exist', async () => {
    const objective = build({ probe: { numClasses: 3 } });
    const [probe] = objective.auxiliaryGroups();
    expect(probe!.name).toBe('probe');
    const mainPaths = new Set(objective.trainableVariables.map((v) => v.name));
    expect(probe!.variables.every((v) => !mainPaths.has(v.name))).toBe(true);
    const out = objective.compute(views(4, 6), { training: true, rng: new Rng(1), labels: tf.tensor1d([0, 1, 2, 0], 'int32') });
    const probeOut = probe!.loss(out.auxiliaryInputs!, new Rng(0));
    expect(Number.isFinite((await probeOut.loss.data())[0]!)).toBe(true);
    expect(probeOut.metrics!.linear_accuracy).toBeDefined();
  });

  it('rejects a non-separable critic and wrong views with clear messages', () => {
    expect(() => build({ localCritic: { name: 'concat-conv' } })).toThrow(/localCritic|separable|required/);
    const objective = build();
    expect(() => objective.compute({ view1: tf.zeros([2, 32, 32, 3]) }, { training: true, rng: new Rng(0) })).toThrow(
      /needs the views 'view1', 'view2'.*gave 'view1'/s,
    );
  });

  it('leaks no tensors over repeated training computations', async () => {
    const objective = build();
    const v = views(4, 7);
    await expectNoLeakedTensors(() =>
      tf.tidy(() => {
        tf.variableGrads(() => objective.compute(v, { training: true, rng: new Rng(1) }).loss, objective.trainableVariables);
      }),
    );
  });
});
