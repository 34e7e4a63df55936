import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContainer, expectNoLeakedTensors, Rng, Tokens, useBackend, type Objective, type ViewGenerator } from '@infomax/core';
import { boundsModule } from '@infomax/bounds';
import { BilinearCritic, criticsModule } from '@infomax/critics';
import { encodersModule } from '@infomax/encoders';
import { viewsModule } from '@infomax/views';
import { CpcObjective, cutPatchGrid, objectivesModule } from '@infomax/objectives';

const modules = [boundsModule, criticsModule, encodersModule, viewsModule, objectivesModule];
const C = 8; // frame channels
const H = 6; // context channels

const sequence = {
  inputShape: [2048, 1],
  encoder: { name: 'cpc-strided-1d', options: { channels: C } },
  contextNetwork: { name: 'gru', options: { hiddenSize: H } },
};
const image = {
  mode: 'image',
  encoder: { name: 'cpc-patch', options: { widths: [4, C] } },
  contextNetwork: { name: 'masked-conv', options: { channels: H, blocks: 1 } },
};

function container(options: Record<string, unknown>, viewGenerator?: { name: string; options?: Record<string, unknown> }) {
  return createContainer({ modules, config: { seed: 1, objective: { name: 'cpc', options }, ...(viewGenerator ? { viewGenerator } : {}) } });
}
const build = (options: Record<string, unknown>) => container(options).get<Objective>(Tokens.Objective) as CpcObjective;

const waves = (batch: number, length: number, seed: number) =>
  tf.tensor3d(new Rng(seed).normalArray(batch * length), [batch, length, 1]);
const pictures = (batch: number, seed: number) => tf.tensor4d(new Rng(seed).uniformArray(batch * 32 * 32 * 3), [batch, 32, 32, 3]);
const scalar = (t: tf.Tensor | undefined) => {
  expect(t, 'metric present').toBeDefined();
  return t!.dataSync()[0]!;
};

/** InfoNCE with one positive per row, in plain JS: -mean_rows (s_pos - logsumexp(row)). */
function infoNceByHand(scores: number[][], mask: number[][]): number {
  const terms = scores.map((row, r) => {
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
    return row[mask[r]!.indexOf(1)]! - lse;
  });
  return -terms.reduce((a, v) => a + v, 0) / terms.length;
}

describe('CPC objective', () => {
  // wasm: the cpu backend's conv filter gradient is far too slow for training steps.
  beforeAll(() => useBackend('wasm'));

  it('sequences: 2048 samples -> 12 frames, K capped at 11, a finite InfoNCE loss from the bilinear critic', () => {
    const objective = build(sequence);
    expect(objective.steps).toBe(11);
    expect(objective.parts.critic).toBeInstanceOf(BilinearCritic);
    const x = waves(3, 2048, 1);
    expect(objective.encoder.apply(x, { training: false }).frames!.shape).toEqual([3, 12, C]);
    const out = objective.compute({ window: x }, { training: true, rng: new Rng(0) });
    const loss = scalar(out.loss);
    expect(Number.isFinite(loss)).toBe(true);
    // InfoNCE on B x B blocks: estimate = log B - loss.
    expect(scalar(out.metrics.estimate)).toBeCloseTo(Math.log(3) - loss, 5);
    expect(Object.keys(out.metrics).filter((k) => k.startsWith('accuracy_k'))).toHaveLength(11);
    const mean = Array.from({ length: 11 }, (_, k) => scalar(out.metrics[`accuracy_k${k + 1}`])).reduce((a, v) => a + v) / 11;
    expect(scalar(out.metrics.accuracy)).toBeCloseTo(mean, 5);
  });

  it('scores c_t of sequence b against z_{t+k} of every sequence b\', by hand', () => {
    const objective = build({ ...sequence, steps: 3 });
    const x = waves(2, 2048, 2);
    const out = objective.compute({ view1: x }, { training: true, rng: new Rng(0) });
    const z = objective.encoder.apply(x, { training: true }).frames!;
    const c = objective.parts.contextNetwork.apply(z, { training: true });
    const critic = objective.parts.critic as BilinearCritic;
    const { scores, positiveMask } = critic.score(c, z);
    const s = scores.arraySync() as number[][];
    expect(s).toHaveLength(3 * 9 * 2); // K (T - K) B rows
    expect(scalar(out.loss)).toBeCloseTo(infoNceByHand(s, positiveMask.arraySync() as number[][]), 4);
    // Row ((k-1)(T-K) + t) B + b, column b': c_t^b W_k . z_{t+k}^{b'}; check k = 2, t = 4, b = 1, b' = 0.
    const [k, t, b, b2] = [2, 4, 1, 0];
    const cv = c.arraySync() as number[][][];
    const zv = z.arraySync() as number[][][];
    const w = critic.predictor(k).arraySync();
    let expected = 0;
    for (let i = 0; i < H; i++) for (let j = 0; j < C; j++) expected += cv[b]![t]![i]! * w[i]![j]! * zv[b2]![t + k]![j]!;
    expect(s[((k - 1) * 9 + t) * 2 + b]![b2]).toBeCloseTo(expected, 4);
  });

  it('trains: the loss falls over a few Adam steps on fixed sequences', async () => {
    const objective = build({ ...sequence, steps: 4 });
    const x = waves(4, 2048, 3);
    const optimizer = tf.train.adam(1e-2);
    const losses: number[] = [];
    for (let step = 0; step < 6; step++) {
      const loss = optimizer.minimize(() => objective.compute({ window: x }, { training: true, rng: new Rng(step) }).loss, true, objective.trainableVariables)!;
      losses.push((await loss.data())[0]!);
      loss.dispose();
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  });

  it('images: a 7x7 grid from patch 8 stride 4, columns as sequences over rows, K = 2 by default', () => {
    const c = container(image, { name: 'patch-grid', options: { patchSize: 8, stride: 4 } });
    const objective = c.get<Objective>(Tokens.Objective) as CpcObjective;
    expect(objective.steps).toBe(2);
    const x = pictures(2, 4);
    const views = c.get<ViewGenerator>(Tokens.ViewGenerator).generate(x, new Rng(0));
    expect(views.patches!.shape).toEqual([2, 7, 7, 8, 8, 3]);
    const out = objective.compute(views, { training: true, rng: new Rng(0) });
    // Negatives: the same row of every column of every image, B·gw = 14 candidates.
    expect(scalar(out.metrics.estimate)).toBeCloseTo(Math.log(14) - scalar(out.loss), 5);
    expect(Object.keys(out.metrics).filter((k) => k.startsWith('accuracy_k'))).toEqual(['accuracy_k1', 'accuracy_k2']);
    // Images given as view1 are cut into the same grid the views package cuts.
    expect(cutPatchGrid(x, 8, 4).arraySync()).toEqual(views.patches!.arraySync());
    const fromImages = objective.compute({ view1: x }, { training: true, rng: new Rng(0) });
    expect(scalar(fromImages.loss)).toBeCloseTo(scalar(out.loss), 5);
  });

  it('runs a composition no paper has: CPC with a separable dot-product critic (DIM heads) instead of bilinear', () => {
    // One shared embedding for every k and "all time steps" negatives: not in any CPC paper.
    const objective = build({ ...sequence, steps: 3, critic: { name: 'dot-product', options: { heads: 'dim-encode', units: 8 } } });
    expect(objective.getConfig().critic).toMatchObject({ antecedentChannels: H, consequentChannels: C, units: 8 });
    const out = objective.compute({ window: waves(2, 2048, 5) }, { training: true, rng: new Rng(0) });
    const loss = scalar(out.loss);
    expect(Number.isFinite(loss)).toBe(true);
    // Per k, N = B (T - K) = 18 predictions against 18 targets: estimate = log 18 - loss.
    expect(scalar(out.metrics.estimate)).toBeCloseTo(Math.log(18) - loss, 5);
    expect(Object.keys(out.metrics).filter((k) => k.startsWith('accuracy_k'))).toHaveLength(3);
  });

  it('features: mean-pooled contexts for sequences, mean-pooled patch vectors for images', () => {
    const x = waves(2, 2048, 6);
    const seq = build(sequence);
    const features = seq.features(x);
    expect(features.shape).toEqual([2, H]);
    const contexts = seq.parts.contextNetwork.apply(seq.encoder.apply(x, { training: false }).frames!, { training: false });
    expect(Array.from(features.dataSync())).toEqual(Array.from(tf.mean(contexts, 1).dataSync()));

    const img = build(image);
    const p = pictures(2, 7);
    expect(img.features(p).shape).toEqual([2, C]);
    expect(Array.from(img.features(p).dataSync())).toEqual(Array.from(img.features(cutPatchGrid(p, 8, 4)).dataSync()));
  });

  it('sizes the defaults from inputShape: the paper\'s 20480-sample windows give 128 frames and K = 12', () => {
    const objective = build({ encoder: { name: 'cpc-strided-1d', options: { channels: 4 } }, contextNetwork: { name: 'gru', options: { hiddenSize: 4 } } });
    expect(objective.steps).toBe(12);
    expect(objective.encoder.featureShapes([20480, 1]).frames).toEqual([128, 4]);
  });

  it('fails clearly: K too large for the frames, missing views', () => {
    expect(() => build({ ...sequence, steps: 12 })).toThrow(/predicting 12 steps ahead needs more than 12 frames \(T' = 12\)/);
    const objective = build(sequence);
    expect(() => objective.compute({ view2: waves(2, 2048, 0) }, { training: true, rng: new Rng(0) })).toThrow(
      /CPC \(sequence\) needs the view 'window' or 'view1'.*gave 'view2'/s,
    );
  });

  it('leaks no tensors over repeated gradient computations (sequences and images)', async () => {
    const seq = build({ ...sequence, steps: 4 });
    const img = build(image);
    const x = waves(2, 2048, 8);
    const p = pictures(2, 9);
    await expectNoLeakedTensors(() =>
      tf.tidy(() => {
        tf.variableGrads(() => seq.compute({ window: x }, { training: true, rng: new Rng(1) }).loss, seq.trainableVariables);
        tf.variableGrads(() => img.compute({ view1: p }, { training: true, rng: new Rng(1) }).loss, img.trainableVariables);
      }),
    );
  });
});
