import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createContainer,
  expectNoLeakedTensors,
  MemoryMetricsSink,
  Rng,
  Tokens,
  Trainer,
  useBackend,
  type DataSource,
  type Objective,
} from '@infomax/core';
import { boundsModule } from '@infomax/bounds';
import { criticsModule } from '@infomax/critics';
import { encodersModule } from '@infomax/encoders';
import { dimGlobal, dimLocal, DimObjective, objectivesModule, PRIOR_ENCODED, type PriorMatching } from '@infomax/objectives';

const modules = [boundsModule, criticsModule, encodersModule, objectivesModule];
const Y = 16;
const LOCAL = 16;
// Small sizes everywhere: the structure is DIM's, the widths are not.
const small = {
  encoder: { name: 'dim-basic', options: { widths: [8, LOCAL, 32], fcUnits: 32, yDim: Y } },
  localCritic: { name: 'dot-product', options: { heads: 'dim-encode', units: 32 } },
  globalCritic: { name: 'dim-global', options: { convChannels: [8, 4], hiddenUnits: 16 } },
  prior: { discriminator: { name: 'prior-discriminator', options: { hiddenUnits: [32, 16] } } },
};

function build(options: Record<string, unknown> = {}, seed = 1): DimObjective {
  const container = createContainer({ modules, config: { seed, objective: { name: 'dim', options: { ...small, ...options } } } });
  return container.get<Objective>(Tokens.Objective) as DimObjective;
}

function images(batch: number, seed: number, size = 32, channels = 3): tf.Tensor4D {
  return tf.tensor4d(new Rng(seed).uniformArray(batch * size * size * channels), [batch, size, size, channels]);
}

const scalar = (t: tf.Tensor | undefined) => {
  expect(t, 'metric present').toBeDefined();
  return t!.dataSync()[0]!;
};
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

describe('DIM objective', () => {
  // wasm: the cpu backend's conv filter gradient is far too slow for training steps.
  beforeAll(() => useBackend('wasm'));

  it('defaults to DIM(L): weights 0 / 1 / 0.1, no global critic, a prior group outside the main trainables', () => {
    const objective = build();
    expect(objective.weights).toEqual(dimLocal);
    const paths = [...objective.namedVariables().keys()];
    expect(paths.some((p) => p.startsWith('encoder/'))).toBe(true);
    expect(paths.some((p) => p.startsWith('localCritic/'))).toBe(true);
    expect(paths.some((p) => p.startsWith('globalCritic/'))).toBe(false);
    const groups = objective.auxiliaryGroups();
    expect(groups.map((g) => g.name)).toEqual(['prior']);
    expect(groups[0]!.learningRate).toBe(1e-4);
    const main = new Set(objective.trainableVariables);
    expect(groups[0]!.variables.length).toBe(6); // three dense layers
    expect(groups[0]!.variables.some((v) => main.has(v))).toBe(false);
    expect(objective.getConfig()).toMatchObject({ alpha: 0, beta: 1, gamma: 0.1, bound: 'jsd' });
  });

  it('local term = JSD of Y against every local vector, same-image positives, by hand', () => {
    const objective = build({ gamma: 0 });
    const x = images(3, 2);
    const out = objective.compute({ view1: x }, { training: true, rng: new Rng(0) });
    // The same forward pass through the parts, then the JSD in plain JS.
    const f = objective.encoder.apply(x, { training: true });
    expect(f.local!.shape).toEqual([3, 8, 8, LOCAL]);
    const { scores, positiveMask } = objective.parts.localCritic!.score(f.global!, f.local!, { training: true });
    expect(scores.shape).toEqual([3, 3 * 64]);
    const s = scores.arraySync() as number[][];
    const m = positiveMask.arraySync() as number[][];
    let pos = 0;
    let neg = 0;
    s.forEach((row, n) =>
      row.forEach((v, col) => {
        expect(m[n]![col]).toBe(Math.floor(col / 64) === n ? 1 : 0);
        if (m[n]![col]) pos += softplus(-v);
        else neg += softplus(v);
      }),
    );
    const jsdLoss = pos / (3 * 64) + neg / (3 * 2 * 64);
    expect(scalar(out.metrics.local_loss)).toBeCloseTo(jsdLoss, 4);
    expect(scalar(out.metrics.local_jsd)).toBeCloseTo((Math.log(4) - jsdLoss) / 2, 4);
    expect(scalar(out.metrics.estimate)).toBeCloseTo(scalar(out.metrics.local_jsd), 6);
    expect(scalar(out.loss)).toBeCloseTo(jsdLoss, 4);
    expect(out.metrics.global_loss).toBeUndefined();
    expect(out.metrics.prior_loss).toBeUndefined();
    expect(objective.auxiliaryGroups()).toEqual([]);
    expect(out.auxiliaryInputs).toEqual({});
  });

  it('adds the three weighted terms: loss = alpha·global + beta·local + gamma·prior', () => {
    const objective = build({ alpha: 0.5, beta: 2, gamma: 0.25 });
    const out = objective.compute({ view1: images(4, 3) }, { training: true, rng: new Rng(0) });
    const total = 0.5 * scalar(out.metrics.global_loss) + 2 * scalar(out.metrics.local_loss) + 0.25 * scalar(out.metrics.prior_loss);
    expect(Number.isFinite(total)).toBe(true);
    expect(scalar(out.loss)).toBeCloseTo(total, 4);
    expect(scalar(out.metrics.estimate)).toBeCloseTo((scalar(out.metrics.global_jsd) + scalar(out.metrics.local_jsd)) / 2, 5);
    // The prior's encoder term: mean softplus(-D(sigmoid(Y))), with D the group's discriminator.
    const prior = objective.auxiliaryGroups()[0] as PriorMatching;
    const logits = prior.discriminator.discriminate(out.auxiliaryInputs![PRIOR_ENCODED]!).dataSync();
    const expected = Array.from(logits).reduce((a, l) => a + softplus(-l), 0) / logits.length;
    expect(scalar(out.metrics.prior_loss)).toBeCloseTo(expected, 4);
  });

  it('DIM(G) preset: the global discriminator on [B, B], no local critic; explicit weights override a preset', () => {
    const objective = build({ preset: 'global' });
    expect(objective.weights).toEqual(dimGlobal);
    expect([...objective.namedVariables().keys()].some((p) => p.startsWith('localCritic/'))).toBe(false);
    const out = objective.compute({ view1: images(3, 4) }, { training: true, rng: new Rng(0) });
    expect(out.metrics.local_loss).toBeUndefined();
    expect(scalar(out.loss)).toBeCloseTo(scalar(out.metrics.global_loss) + scalar(out.metrics.prior_loss), 4);
    const f = objective.encoder.apply(images(3, 4), { training: true });
    expect(objective.parts.globalCritic!.score(f.global!, f.local!, { training: true }).scores.shape).toEqual([3, 3]);

    expect(build({ preset: 'global', gamma: 0 }).weights).toEqual({ alpha: 1, beta: 0, gamma: 0 });
    expect(build({ ...dimGlobal }).weights).toEqual(dimGlobal);
  });

  it('the prior group sees detached sigmoid(Y) and its step changes only its own variables', async () => {
    const objective = build({ gamma: 1 });
    const prior = objective.auxiliaryGroups()[0]!;
    const x = images(4, 5);
    const main = objective.trainableVariables;
    // One tape through the main forward pass and the group's loss: nothing reaches the encoder.
    const { grads, value } = tf.variableGrads(() => {
      const out = objective.compute({ view1: x }, { training: true, rng: new Rng(1) });
      return prior.loss(out.auxiliaryInputs!, new Rng(2)).loss;
    }, [...main, ...prior.variables]);
    expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
    for (const v of main) {
      const g = grads[v.name];
      if (g) expect(tf.max(tf.abs(g)).dataSync()[0], v.name).toBe(0);
    }
    expect(prior.variables.every((v) => grads[v.name] && tf.max(tf.abs(grads[v.name]!)).dataSync()[0]! > 0)).toBe(true);

    // A real Adam step on the group, as the trainer does it.
    const out = objective.compute({ view1: x }, { training: true, rng: new Rng(1) });
    const before = new Map([...main, ...prior.variables].map((v) => [v, v.dataSync().slice()]));
    const metrics = prior.loss(out.auxiliaryInputs!, new Rng(3)).metrics!;
    expect(scalar(metrics.gradient_penalty)).toBeGreaterThan(0);
    tf.train.adam(1e-2).minimize(() => prior.loss(out.auxiliaryInputs!, new Rng(3)).loss, false, prior.variables);
    const changed = (v: tf.Variable) => v.dataSync().some((value, i) => value !== before.get(v)![i]);
    expect(main.some(changed)).toBe(false);
    expect(prior.variables.every(changed)).toBe(true);
  });

  it('runs a composition no paper has: concat-conv local critic with the NWJ bound', () => {
    // DIM used concat-conv with JSD / InfoNCE / DV; NWJ with it appears in no paper.
    const objective = build({ gamma: 0, localCritic: { name: 'concat-conv', options: { hiddenUnits: 16 } }, bound: { name: 'nwj' } });
    expect(objective.getConfig()).toMatchObject({ bound: 'nwj', localCritic: { globalChannels: Y, localChannels: LOCAL, hiddenUnits: 16 } });
    const out = objective.compute({ view1: images(3, 6) }, { training: true, rng: new Rng(0) });
    expect(Number.isFinite(scalar(out.loss))).toBe(true);
    expect(out.metrics.local_jsd).toBeUndefined();
    expect(scalar(out.metrics.local_estimate)).toBeCloseTo(-scalar(out.metrics.local_loss), 5);
  });

  it('swaps the bound by config: InfoNCE (estimate below log(1 + (B-1)·L)) and DV (estimate = -loss)', () => {
    const nce = build({ gamma: 0, bound: { name: 'infonce' } }).compute({ view1: images(3, 7) }, { training: true, rng: new Rng(0) });
    expect(scalar(nce.metrics.local_estimate)).toBeLessThanOrEqual(Math.log(1 + 2 * 64) + 1e-4);
    expect(scalar(nce.metrics.local_estimate)).toBeCloseTo(Math.log(1 + 2 * 64) - scalar(nce.metrics.local_loss), 4);
    const dv = build({ gamma: 0, bound: { name: 'dv' } }).compute({ view1: images(3, 7) }, { training: true, rng: new Rng(0) });
    expect(scalar(dv.metrics.local_estimate)).toBeCloseTo(-scalar(dv.metrics.local_loss), 5);
  });

  it('works on 28x28x1 (Fashion-MNIST): 7x7 local map, global discriminator sized to it', () => {
    const objective = build({ inputShape: [28, 28, 1], alpha: 1, beta: 1, gamma: 0 });
    const x = images(3, 8, 28, 1);
    expect(objective.encoder.apply(x, { training: false }).local!.shape).toEqual([3, 7, 7, LOCAL]);
    const out = objective.compute({ view1: x }, { training: true, rng: new Rng(0) });
    expect(Number.isFinite(scalar(out.loss))).toBe(true);
    expect(objective.getConfig().globalCritic).toMatchObject({ mapSize: [7, 7] });
  });

  it('features: Y by default, any encoder feature by name, in inference mode', () => {
    const objective = build();
    const x = images(2, 9);
    expect(objective.features(x).shape).toEqual([2, Y]);
    expect(objective.features(x, 'fc').shape).toEqual([2, 32]);
    expect(objective.features(x, 'conv').shape).toEqual([2, 4 * 4 * 32]);
  });

  it('trains: the loss falls over a few Adam steps on a fixed batch', async () => {
    const objective = build({ gamma: 0 });
    const x = images(8, 10);
    const optimizer = tf.train.adam(2e-3);
    const losses: number[] = [];
    for (let step = 0; step < 6; step++) {
      const loss = optimizer.minimize(() => objective.compute({ view1: x }, { training: true, rng: new Rng(step) }).loss, true, objective.trainableVariables)!;
      losses.push((await loss.data())[0]!);
      loss.dispose();
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  });

  it('trains in the core Trainer: main, prior and probe groups step, no tensor growth', async () => {
    const objective = build({ gamma: 0.5, probe: { numClasses: 3 } });
    const rng = new Rng(13);
    const data: DataSource = {
      name: 'noise',
      size: 16,
      exampleShape: [32, 32, 3],
      numClasses: 3,
      batch: (indices) => ({
        x: tf.tensor4d(rng.uniformArray(indices.length * 32 * 32 * 3), [indices.length, 32, 32, 3]),
        labels: tf.tensor1d(Array.from(indices, (i) => i % 3), 'int32'),
      }),
    };
    const views = { generate: (batch: tf.Tensor) => ({ view1: tf.clone(batch) }), getConfig: () => ({}) };
    const sink = new MemoryMetricsSink();
    const trainer = new Trainer({ objective, data, views, rng: 3, config: { batchSize: 8, steps: 3, logEvery: 1 }, metrics: [sink] });
    const discriminator = objective.auxiliaryGroups()[0]!.variables[0]!;
    const before = discriminator.dataSync().slice();
    const tensors = tf.memory().numTensors;
    await trainer.run();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(trainer.groupNames).toEqual(['main', 'prior', 'probe']);
    const last = sink.records.at(-1)!;
    for (const key of ['loss', 'local_loss', 'local_jsd', 'prior_loss', 'estimate', 'prior/gan_loss', 'prior/gradient_penalty', 'probe/loss']) {
      expect(Number.isFinite(last[key] as number), key).toBe(true);
    }
    expect(last['prior/lr']).toBe(1e-4);
    expect(discriminator.dataSync().some((v, i) => v !== before[i])).toBe(true);
  });

  it('adds an online probe on Y beside the prior when labels exist', () => {
    const objective = build({ probe: { numClasses: 3 } });
    expect(objective.auxiliaryGroups().map((g) => g.name)).toEqual(['prior', 'probe']);
    const out = objective.compute({ view1: images(3, 11) }, { training: true, rng: new Rng(0), labels: tf.tensor1d([0, 1, 2], 'int32') });
    const probe = objective.auxiliaryGroups()[1]!;
    expect(Number.isFinite(scalar(probe.loss(out.auxiliaryInputs!, new Rng(0)).loss))).toBe(true);
  });

  it('fails clearly: wrong views, all weights 0, a prior that is not a discriminator, a bad input shape', () => {
    const objective = build();
    expect(() => objective.compute({ patches: tf.zeros([2, 32, 32, 3]) }, { training: true, rng: new Rng(0) })).toThrow(/DIM needs the views 'view1'.*gave 'patches'/s);
    expect(() => build({ alpha: 0, beta: 0, gamma: 0 })).toThrow(/nothing to optimise/);
    expect(() => build({ prior: { discriminator: { name: 'dot-product' } } })).toThrow(/not a Discriminator/);
    expect(() => build({ inputShape: [64, 64, 3] })).toThrow(/inputSize/);
  });

  it('leaks no tensors over repeated gradient computations (main and prior group)', async () => {
    const objective = build({ alpha: 1, beta: 1, gamma: 1 });
    const prior = objective.auxiliaryGroups()[0]!;
    const x = images(3, 12);
    await expectNoLeakedTensors(() =>
      tf.tidy(() => {
        let aux: Record<string, tf.Tensor> = {};
        tf.variableGrads(() => {
          const out = objective.compute({ view1: x }, { training: true, rng: new Rng(1) });
          // Kept past variableGrads' tidy, as the trainer does.
          aux = out.auxiliaryInputs!;
          Object.values(aux).forEach((t) => tf.keep(t));
          return out.loss;
        }, objective.trainableVariables);
        tf.variableGrads(() => prior.loss(aux, new Rng(2)).loss, prior.variables);
        tf.dispose(aux);
      }),
    );
  });
});
