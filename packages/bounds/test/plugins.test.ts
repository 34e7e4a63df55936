import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createContainer,
  InvalidPluginConfigError,
  PluginRegistries,
  Rng,
  Tokens,
  useBackend,
  type Bound,
  type PluginRegistries as Registries,
} from '@infomax/core';
import {
  boundDefinitions,
  boundsModule,
  DonskerVaradhanBound,
  donskerVaradhan,
  InfoNceBound,
  infoNce,
  JsdBound,
  jsd,
  NwjBound,
  nwj,
} from '@infomax/bounds';

async function same(a: tf.Scalar, b: tf.Scalar): Promise<void> {
  expect((await a.data())[0]).toBe((await b.data())[0]);
}

describe('bound plugins', () => {
  beforeAll(() => useBackend('cpu'));

  it('registers infonce, jsd, dv and nwj through one module', () => {
    const container = createContainer({ modules: [boundsModule] });
    expect(container.get<Registries>(Tokens.PluginRegistries).of('bound').names()).toEqual(['dv', 'infonce', 'jsd', 'nwj']);
    expect(boundDefinitions.map((d) => d.kind)).toEqual(['bound', 'bound', 'bound', 'bound']);
  });

  it('resolves infonce with its options from a config and computes with them', async () => {
    const container = createContainer({
      modules: [boundsModule],
      config: { bound: { name: 'infonce', options: { clip: 20, l2: 0.05 } } },
    });
    const bound = container.get<Bound>(Tokens.Bound);
    expect(bound).toBeInstanceOf(InfoNceBound);
    expect(bound.name).toBe('infonce');
    expect(bound.estimateKind).toBe('mutual-information');
    expect((bound as InfoNceBound).options).toEqual({ clip: 20, l2: 0.05, validate: false });

    const scores = tf.tensor2d([[30, -25, 4], [1, 50, -3]]);
    const mask = tf.tensor2d([[1, 0, 0], [0, 1, 1]]);
    const viaPlugin = bound.compute(scores, mask);
    const direct = infoNce(scores, mask, { clip: 20, l2: 0.05 });
    const plain = infoNce(scores, mask);
    await same(viaPlugin.loss, direct.loss);
    await same(viaPlugin.estimate, direct.estimate);
    await same(viaPlugin.terms.regularizer!, direct.terms.regularizer!);
    // The options really reach the maths: without them the loss differs.
    expect((await viaPlugin.loss.data())[0]).not.toBeCloseTo((await plain.loss.data())[0]!, 3);
    tf.dispose([scores, mask, viaPlugin, direct, plain] as unknown as tf.Tensor[]);
  });

  it.each([
    ['jsd', JsdBound, jsd, 'jensen-shannon'],
    ['dv', DonskerVaradhanBound, donskerVaradhan, 'mutual-information'],
    ['nwj', NwjBound, nwj, 'mutual-information'],
  ] as const)('resolves %s', async (name, Class, fn, kind) => {
    const container = createContainer({ modules: [boundsModule], config: { bound: { name } } });
    const bound = container.get<Bound>(Tokens.Bound);
    expect(bound).toBeInstanceOf(Class);
    expect(bound.name).toBe(name);
    expect(bound.estimateKind).toBe(kind);
    const scores = tf.tensor2d([[2, -1, 0.5], [0.3, 1.5, -2]]);
    const mask = tf.eye(2, 3) as tf.Tensor2D;
    const a = bound.compute(scores, mask);
    const b = fn(scores, mask);
    await same(a.estimate, b.estimate);
    await same(a.loss, b.loss);
    tf.dispose([scores, mask, a, b] as unknown as tf.Tensor[]);
  });

  it('a plugin configured with validate: true checks the mask contents', () => {
    const registries = new PluginRegistries(boundDefinitions);
    const scores = tf.zeros([2, 2]) as tf.Tensor2D;
    const noPositive = tf.tensor2d([[1, 0], [0, 0]]);
    for (const name of ['infonce', 'jsd', 'dv', 'nwj']) {
      const bound = registries.create<Bound>('bound', { name, options: { validate: true } }, new Rng(0));
      expect(() => bound.compute(scores, noPositive), name).toThrow(/no positive in row\(s\) 1/);
    }
    tf.dispose([scores, noPositive]);
  });

  it('fails at start-up on invalid or misspelt options', () => {
    const build = (options: Record<string, unknown>) =>
      createContainer({ modules: [boundsModule], config: { bound: { name: 'infonce', options } } });
    expect(() => build({ clip: -1 })).toThrow(InvalidPluginConfigError);
    expect(() => build({ clip: -1 })).toThrow(/options\.clip: /);
    expect(() => build({ l2: -0.5 })).toThrow(/options\.l2: /);
    expect(() => build({ clp: 20 })).toThrow(/Invalid config for bound plugin 'infonce'[\s\S]*clp/);
    expect(() =>
      createContainer({ modules: [boundsModule], config: { bound: { name: 'nce' } } }),
    ).toThrow(/Unknown bound plugin 'nce'\. Registered bound plugins: 'dv', 'infonce', 'jsd', 'nwj'/);
  });
});
