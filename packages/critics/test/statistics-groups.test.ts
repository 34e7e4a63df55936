import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, useBackend } from '@infomax/core';
import { DotProductCritic, type HeadKind } from '@infomax/critics';
import { expectClose, seededTensor } from './helpers';

describe('DotProductCritic with statisticsGroups (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  for (const head of ['amdim-residual', 'dim-encode'] as const satisfies readonly HeadKind[]) {
    it(`embeds two stacked groups through '${head}' heads as two calls do, moving statistics included`, () => {
      const options = { antecedentHead: head, consequentHead: head, antecedentChannels: 3, consequentChannels: 5, units: 4 };
      const stacked = new DotProductCritic(options, new Rng(head));
      const separate = new DotProductCritic(options, new Rng(head));
      expect(stacked.supportsStatisticsGroups).toBe(true);
      const [a1, a2] = [seededTensor([3, 3], 1), seededTensor([3, 3], 2)];
      const [c1, c2] = [seededTensor([3, 2, 2, 5], 3), seededTensor([3, 2, 2, 5], 4)];
      const grouped = { training: true, statisticsGroups: 2 };
      const together = [
        stacked.embedAntecedents(tf.concat([a1, a2], 0), grouped),
        stacked.embedConsequents(tf.concat([c1, c2], 0), grouped),
      ];
      const plain = { training: true };
      const apart = [
        tf.concat([separate.embedAntecedents(a1, plain), separate.embedAntecedents(a2, plain)], 0),
        tf.concat([separate.embedConsequents(c1, plain), separate.embedConsequents(c2, plain)], 0),
      ];
      together.forEach((t, i) => expectClose(t, apart[i]!, 1e-5));
      const moving = (critic: DotProductCritic) => critic.nonTrainableVariables.map((v) => Array.from(v.dataSync()));
      expect(moving(stacked).length).toBe(4); // one batch norm per head: mean and variance each
      moving(stacked).forEach((m, i) => expectClose(m, moving(separate)[i]!, 1e-6));
      // The groups differ enough that whole-batch statistics would not pass the check above.
      const pooled = new DotProductCritic(options, new Rng(head));
      const pooledEmbedding = pooled.embedConsequents(tf.concat([c1, c2], 0), plain);
      expect(tf.max(tf.abs(tf.sub(pooledEmbedding, apart[1]!))).dataSync()[0]).toBeGreaterThan(1e-3);
      tf.dispose([a1, a2, c1, c2, ...together, ...apart, pooledEmbedding]);
      [stacked, separate, pooled].forEach((c) => c.dispose());
    });
  }
});
