import * as tf from '@tensorflow/tfjs';
import { Adam, createContainer, Rng, Tokens, type Objective, type Views } from '@infomax/core';
import type { ContainerModule } from 'inversify';
import type { BenchConfig } from './bench-configs';

/** A built benchmark: the objective, its optimiser, fixed inputs, and one timed-step function. */
export interface BenchHarness {
  objective: Objective;
  parameters: number;
  /** Forward, loss, backward and one Adam update; resolves when the backend has finished. */
  step(index: number): Promise<void>;
  dispose(): void;
}

export function buildBenchHarness(config: BenchConfig, modules: readonly ContainerModule[], seed = 1): BenchHarness {
  const container = createContainer({ modules, config: { seed, objective: config.objective } });
  const objective = container.get<Objective>(Tokens.Objective);
  const trainable = [...objective.namedVariables()].filter(([, v]) => v.trainable);
  const pathOf = new Map(trainable.map(([path, v]) => [v.name, path]));
  const variables = trainable.map(([, v]) => v);
  const adam = new Adam(trainable, { learningRate: config.learningRate, beta1: config.beta1, beta2: config.beta2 });
  const rng = new Rng(seed);
  const views: Views = config.makeViews(rng.fork('inputs'));
  const probe = variables[0]!;
  return {
    objective,
    parameters: variables.reduce((n, v) => n + v.size, 0),
    async step(index: number) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(
          () => objective.compute(views, { training: true, rng: rng.fork(`step/${index}`) }).loss,
          variables,
        );
        const byPath: Record<string, tf.Tensor> = {};
        for (const [name, grad] of Object.entries(grads)) byPath[pathOf.get(name)!] = grad;
        adam.applyGradients(byPath, config.learningRate);
      });
      // wasm and cpu finish synchronously; on GPU backends this waits for the queue to drain.
      const done = tf.tidy(() => tf.slice(tf.reshape(probe, [-1]), 0, 1));
      await done.data();
      done.dispose();
    },
    dispose() {
      adam.dispose();
      objective.dispose();
      tf.dispose(views as never);
    },
  };
}
