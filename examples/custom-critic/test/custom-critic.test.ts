import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  createContainer,
  expectNoLeakedTensors,
  InvalidPluginConfigError,
  Rng,
  Tokens,
  UnknownPluginError,
  useBackend,
  type Critic,
  type Objective,
} from '@infomax/core';
import { boundsModule } from '@infomax/bounds';
import { criticsModule } from '@infomax/critics';
import { encodersModule } from '@infomax/encoders';
import { objectivesModule } from '@infomax/objectives';
import { CosineCritic } from '../src/cosine-critic';
import { cosineCriticModule } from '../src/cosine-critic-plugin';
import { buildCustomCriticSetup, criticTemperature, trainWithCustomCritic, type CustomCriticResult } from '../src/train-with-custom-critic';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

beforeAll(async () => {
  await useBackend('wasm');
});

describe('CosineCritic', () => {
  it('scores cos(P_a x, P_c y) / tau with the same-image block mask', async () => {
    const critic = new CosineCritic(
      { antecedentChannels: 3, consequentChannels: 2, units: 4, initialTemperature: 0.25, learnTemperature: true, maxScale: 100 },
      new Rng(1),
    );
    const x = tf.tensor2d([[1, 2, 3], [0, -1, 2]]); // 2 images, one vector each
    const y = tf.tensor3d([[[1, 0], [0, 1], [1, 1]], [[2, -1], [0.5, 0.5], [-1, 3]]]); // 2 images, 3 locations
    const { scores, positiveMask } = critic.score(x, y, { training: true });
    expect(scores.shape).toEqual([2, 6]);

    // The same in float64 JavaScript from the critic's own projection weights.
    const vars = critic.namedVariables();
    const wa = (await vars.get('antecedent/kernel')!.array()) as number[][];
    const wc = (await vars.get('consequent/kernel')!.array()) as number[][];
    const project = (v: number[], w: number[][]) => w[0]!.map((_, j) => v.reduce((s, vi, i) => s + vi * w[i]![j]!, 0));
    const cosine = (u: number[], v: number[]) => {
      const dot = u.reduce((s, ui, i) => s + ui * v[i]!, 0);
      return dot / Math.hypot(...u) / Math.hypot(...v);
    };
    const xs = (await x.array()) as number[][];
    const ys = ((await y.array()) as number[][][]).flat();
    const got = (await scores.array()) as number[][];
    for (let n = 0; n < 2; n++) {
      for (let m = 0; m < 6; m++) {
        expect(got[n]![m]!).toBeCloseTo(cosine(project(xs[n]!, wa), project(ys[m]!, wc)) / 0.25, 4);
      }
    }
    expect(await positiveMask.array()).toEqual([
      [1, 1, 1, 0, 0, 0],
      [0, 0, 0, 1, 1, 1],
    ]);
    expect(critic.temperature()).toBeCloseTo(0.25, 6);
    tf.dispose([x, y, scores, positiveMask]);
    critic.dispose();
  });

  it('embeds so that AMDIM\'s u . v / sqrt(D) is the cosine score, and checks channels', () => {
    const critic = new CosineCritic(
      { antecedentChannels: 6, consequentChannels: 4, units: 16, initialTemperature: 0.5, learnTemperature: true, maxScale: 100 },
      new Rng(2),
    );
    tf.tidy(() => {
      const f1 = tf.randomNormal([3, 1, 1, 6], 0, 1, 'float32', 3);
      const f5 = tf.randomNormal([3, 5, 5, 4], 0, 1, 'float32', 4);
      const u = critic.embedAntecedents(f1, { training: true });
      const v = critic.embedConsequents(f5, { training: true });
      expect(u.shape).toEqual([3, 1, 1, 16]);
      expect(v.shape).toEqual([3, 5, 5, 16]);
      const amdimStyle = tf.div(tf.matMul(tf.reshape(u, [3, 16]), tf.reshape(v, [75, 16]), false, true), 4);
      const direct = critic.score(f1, f5, { training: true }).scores;
      expect(tf.max(tf.abs(tf.sub(amdimStyle, direct))).dataSync()[0]).toBeLessThan(1e-5);
      // |cos| <= 1, so every score lies within 1 / tau.
      expect(tf.max(tf.abs(direct)).dataSync()[0]).toBeLessThanOrEqual(2 + 1e-5);
      expect(() => critic.embedConsequents(tf.zeros([3, 5, 5, 5]), { training: true })).toThrow(/CosineCritic consequents/);
    });
    critic.dispose();
  });
});

describe('the cosine plugin in a container', () => {
  it('is selectable by name, validates its options, and is unknown without its module', () => {
    const modules = [boundsModule, criticsModule, encodersModule, objectivesModule];
    const direct = createContainer({
      modules: [...modules, cosineCriticModule],
      config: { critic: { name: 'cosine', options: { antecedentChannels: 8, consequentChannels: 4 } } },
    }).get<Critic>(Tokens.Critic);
    expect(direct).toBeInstanceOf(CosineCritic);
    expect(direct.getConfig()).toMatchObject({ name: 'cosine', units: 64, initialTemperature: 0.1, learnTemperature: true });
    direct.dispose();

    expect(() =>
      createContainer({ modules: [...modules, cosineCriticModule], config: { critic: { name: 'cosine', options: { antecedentChannels: 8 } } } }),
    ).toThrow(InvalidPluginConfigError);

    // AMDIM looks its localCritic up by name when it is built: without our module, 'cosine' is unknown.
    const withoutOurs = createContainer({
      modules,
      config: { objective: { name: 'amdim', options: { localCritic: { name: 'cosine' }, encoder: { name: 'amdim', options: { ndf: 4, nRkhs: 16 } } } } },
    });
    expect(() => withoutOurs.get<Objective>(Tokens.Objective)).toThrow(UnknownPluginError);
    expect(() => withoutOurs.get<Objective>(Tokens.Objective)).toThrow(/cosine/);
  });
});

describe('AMDIM with the cosine critic, short run on wasm', () => {
  let result: CustomCriticResult;

  beforeAll(async () => {
    result = await trainWithCustomCritic({ steps: 10, batchSize: 12, imageCount: 96, ndf: 4, nRkhs: 16, learningRate: 3e-3, seed: 1, evalImages: 16 });
  }, 60_000);

  it('builds both of AMDIM\'s critics from the plugin and reports every step', () => {
    expect(result.registeredCritics).toContain('cosine');
    expect(result.registeredCritics).toContain('dot-product');
    expect(result.losses).toHaveLength(10);
    expect(result.losses.every(Number.isFinite)).toBe(true);
    expect(result.temperatures.before).toEqual({ critic5: expect.closeTo(0.1, 6), critic7: expect.closeTo(0.1, 6) });
    for (const key of ['nce1t5', 'nce1t7', 'nce5t5', 'regularizer', 'estimate']) expect(Number.isFinite(result.finalMetrics[key])).toBe(true);
  });

  it('lowers the loss and trains the temperatures', () => {
    const { losses, temperatures } = result;
    // Each step has its own batch and random views, so single steps are noisy: compare halves.
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.2);
    // The same images with the same views: only the weights changed.
    const { before, after } = result.fixedBatchLoss;
    expect(Number.isFinite(before) && Number.isFinite(after)).toBe(true);
    expect(after).toBeLessThan(before - 0.2);
    // log(1 / tau) is a trained variable: it moved.
    expect(Math.abs(temperatures.after.critic5 - temperatures.before.critic5)).toBeGreaterThan(1e-4);
    expect(Math.abs(temperatures.after.critic7 - temperatures.before.critic7)).toBeGreaterThan(1e-4);
  });

  it('leaks no tensors across training steps', async () => {
    const setup = buildCustomCriticSetup({ steps: 5, batchSize: 4, imageCount: 16, ndf: 4, nRkhs: 16 });
    expect([...setup.objective.namedVariables().keys()]).toEqual(
      expect.arrayContaining(['critic5/log_scale', 'critic7/log_scale', 'critic5/consequent/kernel', 'critic7/consequent/kernel']),
    );
    expect(criticTemperature(setup.objective, 'critic5')).toBeCloseTo(0.1, 6);
    let target = 0;
    await expectNoLeakedTensors(() => setup.trainer.run({ untilStep: ++target }), { warmup: 1, repeats: 3, label: 'trainer step' });
    setup.dispose();
  });
});
