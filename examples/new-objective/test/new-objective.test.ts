import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import {
  createContainer,
  Dense,
  expectNoLeakedTensors,
  Module,
  Rng,
  Tokens,
  UnknownPluginError,
  useBackend,
  type Encoder,
  type FeatureSet,
  type Objective,
} from '@infomax/core';
import { boundsModule, InfoNceBound } from '@infomax/bounds';
import { criticsModule, DotProductCritic } from '@infomax/critics';
import { encodersModule } from '@infomax/encoders';
import { objectivesModule } from '@infomax/objectives';
import { GlobalNceObjective } from '../src/global-nce-objective';
import { globalNceModule } from '../src/global-nce-plugin';
import { newObjectiveContainer, runNewObjective, type NewObjectiveResult } from '../src/run-new-objective';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** f1 = x W for flat inputs: small enough to check the objective by hand. */
class LinearEncoder extends Module implements Encoder {
  private readonly dense: Dense;
  constructor(inUnits: number, units: number, rng: Rng) {
    super();
    this.dense = this.addModule('dense', new Dense({ inUnits, units, useBias: false }, rng));
  }
  apply(x: tf.Tensor): FeatureSet {
    return { f1: this.dense.apply(tf.reshape(x, [x.shape[0]!, -1])) };
  }
  featureShapes(): Record<string, number[]> {
    return { f1: [this.dense.options.units] };
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}

/** Mean over rows of log sum_j exp s_ij - s_ii, in float64. */
function crossEntropyOfDiagonal(s: number[][]): number {
  return mean(
    s.map((row, i) => {
      const max = Math.max(...row);
      return max + Math.log(row.reduce((acc, v) => acc + Math.exp(v - max), 0)) - row[i]!;
    }),
  );
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('GlobalNceObjective', () => {
  it('is the mean of InfoNCE in both directions over the two views\' global vectors', async () => {
    const encoder = new LinearEncoder(6, 4, new Rng(1));
    const objective = new GlobalNceObjective({ encoder, critic: new DotProductCritic({}, new Rng(2)), bound: new InfoNceBound() }, 'f1');
    const rng = new Rng(3);
    const view1 = tf.tensor4d(rng.normalArray(5 * 6), [5, 1, 1, 6]);
    const view2 = tf.tensor4d(rng.normalArray(5 * 6), [5, 1, 1, 6]);
    const out = objective.compute({ view1, view2 }, { training: true, rng });

    const a = (await encoder.apply(view1).f1!.array()) as number[][];
    const b = (await encoder.apply(view2).f1!.array()) as number[][];
    const scores = a.map((u) => b.map((v) => u.reduce((s, ui, k) => s + ui * v[k]!, 0)));
    const transposed = scores[0]!.map((_, j) => scores.map((row) => row[j]!));
    const expected = (crossEntropyOfDiagonal(scores) + crossEntropyOfDiagonal(transposed)) / 2;
    expect((await out.loss.data())[0]).toBeCloseTo(expected, 4);
    expect((await out.metrics.estimate!.data())[0]).toBeCloseTo(Math.log(5) - expected, 4);
    // Accuracy: rows (of both directions) whose largest score is their own partner.
    const hits = [...scores, ...transposed].filter((row, i) => row.indexOf(Math.max(...row)) === i % 5).length;
    expect((await out.metrics.accuracy!.data())[0]).toBeCloseTo(hits / 10, 6);
    expect(objective.features(view1).shape).toEqual([5, 4]);

    expect(() => objective.compute({ view1 }, { training: true, rng })).toThrow(/needs the views 'view1' and 'view2'/);
    await expectNoLeakedTensors(() => {
      const { loss, metrics } = objective.compute({ view1, view2 }, { training: true, rng });
      tf.dispose([loss, metrics]);
    });
    tf.dispose([view1, view2, out.loss, out.metrics]);
    objective.dispose();
  });
});

describe("the 'global-nce' plugin", () => {
  const modules = [boundsModule, criticsModule, encodersModule, objectivesModule];
  const small = { ndf: 4, nRkhs: 16, projection: 16, seed: 0 };

  it('is resolved by name and assembles its parts by kind from the config', () => {
    const objective = newObjectiveContainer(small).get<Objective>(Tokens.Objective);
    expect(objective).toBeInstanceOf(GlobalNceObjective);
    const config = objective.getConfig();
    expect(config).toMatchObject({ name: 'global-nce', feature: 'f1', bound: 'infonce', encoder: { ndf: 4, nRkhs: 16 } });
    // The critic received the global vector's size from the objective and the user's units.
    expect(config.critic).toMatchObject({ antecedentChannels: 16, consequentChannels: 16, units: 16, shareHead: true });
    objective.dispose();
  });

  it('swaps a part by config and fails loudly on names it does not know', () => {
    const build = (options: Record<string, unknown>) =>
      createContainer({
        modules: [...modules, globalNceModule],
        config: { objective: { name: 'global-nce', options: { encoder: { name: 'amdim', options: { ndf: 4, nRkhs: 16 } }, ...options } } },
      }).get<Objective>(Tokens.Objective);
    const jsd = build({ bound: { name: 'jsd' } });
    expect(jsd.getConfig().bound).toBe('jsd');
    jsd.dispose();
    expect(() => build({ feature: 'f9' })).toThrow(/no feature 'f9' \(it yields f1, f5, f7\)/);
    expect(() => build({ critic: { name: 'no-such-critic' } })).toThrow(UnknownPluginError);
    // Without our module, the objective itself is unknown (checked when the container is made).
    expect(() => createContainer({ modules, config: { objective: { name: 'global-nce' } } })).toThrow(/global-nce/);
  });
});

describe('global-nce trained and probed, short run on wasm', () => {
  let result: NewObjectiveResult;

  beforeAll(async () => {
    result = await runNewObjective({
      steps: 16,
      batchSize: 16,
      trainImages: 128,
      testImages: 96,
      ndf: 4,
      nRkhs: 16,
      projection: 16,
      learningRate: 3e-3,
      probeEpochs: 20,
      probeWeightDecays: [1e-3],
      knnK: 5,
      seed: 1,
    });
  }, 60_000);

  it('lowers the symmetric InfoNCE loss', () => {
    expect(result.losses).toHaveLength(16);
    expect(result.losses.every(Number.isFinite)).toBe(true);
    expect(mean(result.losses.slice(-5))).toBeLessThan(mean(result.losses.slice(0, 5)) - 0.2);
    // InfoNCE's estimate can never exceed log B.
    expect(result.finalMetrics.estimate).toBeLessThanOrEqual(Math.log(16) + 1e-4);
  });

  it('evaluates raw pixels, the untrained and the trained encoder with finite accuracies', () => {
    expect(result.rows.map((r) => [r.name, r.dim])).toEqual([
      ['raw pixels', 32 * 32 * 3],
      ['untrained encoder (f1)', 16],
      ['global-nce, 16 steps (f1)', 16],
    ]);
    for (const row of result.rows) {
      for (const accuracy of [row.linearProbeTrainAccuracy, row.linearProbeTestAccuracy, row.knnTestAccuracy!]) {
        expect(accuracy).toBeGreaterThanOrEqual(0);
        expect(accuracy).toBeLessThanOrEqual(1);
      }
    }
    // With 3072 features for 128 images the probe can fit the train split: a probe that
    // cannot is broken, whatever the representation.
    expect(result.rows[0]!.linearProbeTrainAccuracy).toBeGreaterThan(0.8);
    expect(result.table.split('\n')).toHaveLength(5);
  });
});
