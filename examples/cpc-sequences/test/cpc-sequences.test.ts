import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Tokens, Trainer, useBackend, type Objective, type ViewGenerator } from '@infomax/core';
import { createSyntheticSequences } from '@infomax/data';
import { CpcObjective } from '@infomax/objectives';
import { cpcContainer, runCpcSequences, type CpcSequencesResult } from '../src/run-cpc-sequences';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const small = { seed: 0, window: 1600, channels: 16, contextSize: 16, predictionSteps: 3, negatives: 'same-step' as const };

beforeAll(async () => {
  await useBackend('wasm');
});

describe('the cpc container', () => {
  it("builds CPC in sequence mode with a temporal-window view of the configured length", () => {
    const container = cpcContainer(small);
    const objective = container.get<Objective>(Tokens.Objective);
    expect(objective).toBeInstanceOf(CpcObjective);
    const config = objective.getConfig();
    expect(config).toMatchObject({ mode: 'sequence', steps: 3, bound: 'infonce', critic: { negatives: 'same-step', contextChannels: 16, frameChannels: 16 } });
    expect(container.get<ViewGenerator>(Tokens.ViewGenerator).getConfig()).toEqual({ name: 'temporal-window', length: 1600 });
    objective.dispose();
  });

  it('refuses more prediction steps than a window has frames', () => {
    // 1600 samples = 10 frames: K = 10 leaves nothing to predict from.
    expect(() => cpcContainer({ ...small, predictionSteps: 10 }).get<Objective>(Tokens.Objective)).toThrow(/predicting 10 steps ahead/);
  });

  it('leaks no tensors across training steps', async () => {
    const container = cpcContainer(small);
    const objective = container.get<Objective>(Tokens.Objective);
    const trainer = new Trainer({
      objective,
      data: createSyntheticSequences({ count: 16, length: 2048, seed: 0 }),
      views: container.get<ViewGenerator>(Tokens.ViewGenerator),
      rng: 0,
      config: { batchSize: 4, steps: 5 },
    });
    let target = 0;
    await expectNoLeakedTensors(() => trainer.run({ untilStep: ++target }), { warmup: 1, repeats: 3, label: 'trainer step' });
    trainer.dispose();
    objective.dispose();
  });
});

describe('CPC on synthetic sequences, short run on wasm', () => {
  let result: CpcSequencesResult;
  const batchSize = 8;

  beforeAll(async () => {
    result = await runCpcSequences({
      ...small,
      steps: 40,
      batchSize,
      // The data set's default noise: the task is easy, so 40 steps get CPC off its start-up
      // plateau (scores start near 0, the loss at log 8).
      noise: 0.1,
      trainSequences: 64,
      testSequences: 64,
      sequenceLength: 2048,
      learningRate: 5e-3,
      probeEpochs: 20,
      seed: 1,
    });
  }, 60_000);

  it('lowers the loss and predicts future frames better than chance', () => {
    expect(result.losses).toHaveLength(40);
    expect(result.losses.every(Number.isFinite)).toBe(true);
    expect(mean(result.losses.slice(-8))).toBeLessThan(mean(result.losses.slice(0, 8)) - 0.2);
    const m = result.finalMetrics;
    // Each prediction has its own sequence against the batch's other seven: InfoNCE <= log 8.
    expect(m.estimate).toBeLessThanOrEqual(Math.log(batchSize) + 1e-4);
    expect(m.estimate).toBeGreaterThan(0);
    expect(m.accuracy_k1).toBeGreaterThan(2 / batchSize);
    expect(Object.keys(m).filter((key) => key.startsWith('accuracy_k'))).toEqual(['accuracy_k1', 'accuracy_k2', 'accuracy_k3']);
  });

  it('probes raw samples and pooled CPC features with finite accuracies', () => {
    expect(result.frames).toEqual({ window: 10, sequence: 12 });
    expect(result.rows.map((r) => [r.name, r.dim])).toEqual([
      ['raw samples', 2048],
      ['CPC untrained (pooled c_t)', 16],
      ['CPC, 40 steps (pooled c_t)', 16],
      ['CPC, 40 steps (pooled z_t)', 16],
    ]);
    for (const row of result.rows) {
      for (const accuracy of [row.linearProbeTrainAccuracy, row.linearProbeTestAccuracy, row.knnTestAccuracy!]) {
        expect(accuracy).toBeGreaterThanOrEqual(0);
        expect(accuracy).toBeLessThanOrEqual(1);
      }
    }
    // 2048 raw features for 64 sequences: a working probe fits the train split.
    expect(result.rows[0]!.linearProbeTrainAccuracy).toBeGreaterThan(0.8);
    expect(result.table.split('\n')).toHaveLength(6);
  });
});
