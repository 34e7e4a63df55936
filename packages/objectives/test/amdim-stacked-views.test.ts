import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectNoLeakedTensors, Rng, useBackend, type ApplyOptions } from '@infomax/core';
import { InfoNceBound } from '@infomax/bounds';
import { DotProductCritic } from '@infomax/critics';
import { AmdimEncoder } from '@infomax/encoders';
import { AmdimObjective, OnlineProbe, PROBE_FEATURES } from '@infomax/objectives';

const BATCH = 4;
const N_RKHS = 8;

interface Parts {
  objective: AmdimObjective;
  encoder: AmdimEncoder;
  critic5: DotProductCritic;
  critic7: DotProductCritic;
}

/**
 * A tiny AMDIM with batch norm everywhere it can go (the residual units, f7, f1, both heads),
 * every trainable variable redrawn at random (the zero-initialised branch convs would otherwise
 * hide most gradients) and a probe, so per-view statistics matter all the way through.
 */
function build(): Parts {
  const rng = new Rng('amdim-stacked');
  const encoder = new AmdimEncoder({ ndf: 2, nRkhs: N_RKHS, useBatchNorm: true }, rng.fork('encoder'));
  const shapes = encoder.featureShapes([32, 32, 3]);
  const critic = (feature: 'f5' | 'f7') =>
    new DotProductCritic(
      {
        antecedentHead: 'none',
        consequentHead: 'amdim-residual',
        antecedentChannels: N_RKHS,
        consequentChannels: shapes[feature]![2]!,
        units: N_RKHS,
        scaleBySqrtDim: true,
      },
      rng.fork(feature),
    );
  const [critic5, critic7] = [critic('f5'), critic('f7')];
  const probe = new OnlineProbe({ featureDim: N_RKHS, numClasses: 3 }, rng.fork('probe'));
  const objective = new AmdimObjective({ encoder, critic5, critic7, bound: new InfoNceBound({ clip: 20, l2: 0.05 }), probe });
  const draw = rng.fork('weights');
  for (const [path, v] of objective.namedVariables()) {
    if (v.trainable) v.assign(tf.tidy(() => tf.mul(tf.tensor(draw.fork(path).normalArray(v.size), v.shape), 0.3)));
  }
  return { objective, encoder, critic5, critic7 };
}

function views(seed: number) {
  const rng = new Rng(seed);
  const image = () => tf.tensor4d(rng.uniformArray(BATCH * 32 * 32 * 3), [BATCH, 32, 32, 3]);
  return { view1: image(), view2: image() };
}

interface StepResult {
  loss: number;
  /** Gradients of the loss, by variable path. */
  grads: Map<string, Float32Array>;
  /** Every non-trainable variable (the moving statistics) after the step, by path. */
  movingStatistics: Map<string, Float32Array>;
  /** The probe's inputs (f1 of view 1, flattened). */
  probeFeatures: Float32Array;
  /** [batch, statisticsGroups] of every encoder call. */
  encoderCalls: [number, number][];
}

/** One training step's loss, gradients and moving statistics, starting from `snapshot`. */
function step(parts: Parts, snapshot: Map<string, tf.Tensor>): StepResult {
  const { objective, encoder } = parts;
  for (const [name, variable] of objective.namedVariables()) variable.assign(snapshot.get(name)!);
  const encoderCalls: [number, number][] = [];
  const apply = encoder.apply.bind(encoder);
  const spy = vi.spyOn(encoder, 'apply').mockImplementation((x: tf.Tensor, options: ApplyOptions) => {
    encoderCalls.push([x.shape[0]!, options.statisticsGroups ?? 1]);
    return apply(x, options);
  });
  const v = views(11);
  const labels = tf.tensor1d([0, 1, 2, 0], 'int32');
  let probeFeatures = new Float32Array();
  const { value, grads } = tf.variableGrads(() => {
    const out = objective.compute(v, { training: true, rng: new Rng(5), labels });
    probeFeatures = Float32Array.from(out.auxiliaryInputs![PROBE_FEATURES]!.dataSync());
    return out.loss;
  }, objective.trainableVariables);
  spy.mockRestore();
  const paths = [...objective.namedVariables()];
  const result: StepResult = {
    loss: value.dataSync()[0]!,
    grads: new Map(paths.filter(([, v]) => v.trainable).map(([path, v]) => [path, Float32Array.from(grads[v.name]!.dataSync())])),
    movingStatistics: new Map(paths.filter(([, v]) => !v.trainable).map(([path, v]) => [path, Float32Array.from(v.dataSync())])),
    probeFeatures,
    encoderCalls,
  };
  tf.dispose([value, ...Object.values(grads), v.view1, v.view2, labels]);
  return result;
}

/** max |a - b| / max |reference| (the scale floored at `floor`): the relative error of the whole tensor. */
function relativeError(reference: Float32Array, actual: Float32Array, floor = 1e-12): number {
  expect(actual.length).toBe(reference.length);
  let diff = 0;
  let scale = 0;
  reference.forEach((r, i) => {
    diff = Math.max(diff, Math.abs(r - actual[i]!));
    scale = Math.max(scale, Math.abs(r));
  });
  return diff / Math.max(scale, floor);
}

function expectSameStep(reference: StepResult, actual: StepResult, tolerance: Tolerances): void {
  expect(Math.abs(actual.loss - reference.loss) / Math.abs(reference.loss)).toBeLessThan(1e-5);
  expect([...actual.grads.keys()].sort()).toEqual([...reference.grads.keys()].sort());
  // Some gradients are zero in exact arithmetic (a bias right before a batch norm, a channel
  // whose ReLU is dead for the whole batch), so float noise there is measured against 1% of the
  // largest gradient of the model rather than against itself.
  const largest = Math.max(...[...reference.grads.values()].map((g) => Math.max(...g.map(Math.abs))));
  for (const [name, g] of reference.grads) {
    expect(relativeError(g, actual.grads.get(name)!, 1e-2 * largest), name).toBeLessThan(tolerance.gradients);
  }
  expect([...actual.movingStatistics.keys()].sort()).toEqual([...reference.movingStatistics.keys()].sort());
  for (const [name, m] of reference.movingStatistics) expect(relativeError(m, actual.movingStatistics.get(name)!), name).toBeLessThan(tolerance.values);
  expect(relativeError(reference.probeFeatures, actual.probeFeatures)).toBeLessThan(tolerance.values);
}

interface Tolerances {
  gradients: number;
  /** Moving statistics and probe features. */
  values: number;
}

/**
 * Portable kernels: 1e-4 on gradients, 1e-5 on values. With native oneDNN convolutions (the
 * suite's second pass) a batch of 2B and two batches of B block their sums differently: the
 * early layers' filter gradients, reached through the whole network, then agree to ~1e-3 of
 * the model's gradient scale (8e-4 measured) and moving means to ~2e-5 (1.6e-5 measured).
 */
function tolerances(): Tolerances {
  const kernel = tf.getKernel('Conv2D', tf.getBackend())?.kernelFunc as unknown as Record<symbol, unknown> | undefined;
  const native = kernel?.[Symbol.for('@infomax/kernels-onednn/kernel')] !== undefined;
  return native ? { gradients: 2e-3, values: 1e-4 } : { gradients: 1e-4, values: 1e-5 };
}

/** Removes a part's flag, as a plugin written before statistics groups would lack it. */
function withoutFlag(part: object): () => void {
  const own = Object.getOwnPropertyDescriptor(part, 'supportsStatisticsGroups')!;
  delete (part as { supportsStatisticsGroups?: boolean }).supportsStatisticsGroups;
  return () => Object.defineProperty(part, 'supportsStatisticsGroups', own);
}

// cpu is the numerical reference; the model is small enough for cpu's conv filter gradient.
for (const backend of ['cpu', 'wasm'] as const) {
  describe(`AMDIM with both views in one batch, on ${backend}`, () => {
    const cleanups: (() => void)[] = [];
    afterEach(() => cleanups.splice(0).forEach((undo) => undo()));

    it('matches one pass per view: loss, every gradient, the moving statistics and the probe input', async () => {
      await useBackend(backend);
      const parts = build();
      const snapshot = new Map([...parts.objective.namedVariables()].map(([name, v]) => [name, tf.clone(v)]));
      expect(parts.objective.embedsViewsTogether).toBe(true);
      const stacked = step(parts, snapshot);
      cleanups.push(withoutFlag(parts.encoder));
      expect(parts.objective.embedsViewsTogether).toBe(false);
      const separate = step(parts, snapshot);

      expect(stacked.encoderCalls).toEqual([[2 * BATCH, 2]]);
      expect(separate.encoderCalls).toEqual([
        [BATCH, 1],
        [BATCH, 1],
      ]);
      // The statistics moved (the comparison is not of untouched initial values).
      const initial = Float32Array.from(snapshot.get('encoder/f1_norm/moving_mean')!.dataSync());
      expect(relativeError(initial, stacked.movingStatistics.get('encoder/f1_norm/moving_mean')!)).toBeGreaterThan(1e-3);
      expectSameStep(separate, stacked, tolerances());
      tf.dispose([...snapshot.values()]);
      parts.objective.dispose();
    });
  });
}

describe('AMDIM falls back to one pass per view', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((undo) => undo()));

  for (const part of ['encoder', 'critic5', 'critic7'] as const) {
    it(`when the ${part} does not declare supportsStatisticsGroups`, async () => {
      await useBackend('wasm');
      const parts = build();
      const snapshot = new Map([...parts.objective.namedVariables()].map(([name, v]) => [name, tf.clone(v)]));
      cleanups.push(withoutFlag(parts[part]));
      const embedConsequents = vi.spyOn(parts.critic7, 'embedConsequents');
      const result = step(parts, snapshot);
      expect(result.encoderCalls).toEqual([
        [BATCH, 1],
        [BATCH, 1],
      ]);
      expect(embedConsequents.mock.calls.map(([x, options]) => [x.shape[0], options.statisticsGroups])).toEqual([
        [BATCH, undefined],
        [BATCH, undefined],
      ]);
      tf.dispose([...snapshot.values()]);
      parts.objective.dispose();
    });
  }

  it('and leaks no tensors either way', async () => {
    await useBackend('wasm');
    const { objective, encoder } = build();
    const v = views(3);
    const run = () =>
      tf.tidy(() => {
        tf.variableGrads(() => objective.compute(v, { training: true, rng: new Rng(1) }).loss, objective.trainableVariables);
      });
    await expectNoLeakedTensors(run, { label: 'AMDIM step, views stacked' });
    cleanups.push(withoutFlag(encoder));
    await expectNoLeakedTensors(run, { label: 'AMDIM step, one pass per view' });
    tf.dispose([v.view1, v.view2]);
    objective.dispose();
  });
});
