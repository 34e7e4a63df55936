import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContainer, InvalidPluginConfigError, PluginRegistries, Rng, Tokens, useBackend, type Critic } from '@infomax/core';
import {
  BilinearCritic,
  ConcatConvCritic,
  criticDefinitions,
  criticsModule,
  DimGlobalDiscriminator,
  DotProductCritic,
  PriorDiscriminator,
} from '@infomax/critics';

const critic = <T>(name: string, options: Record<string, unknown> = {}, seed = 0): T =>
  createContainer({ modules: [criticsModule], config: { seed, critic: { name, options } } }).get<T>(Tokens.Critic);

describe('critic plugins', () => {
  beforeAll(() => useBackend('cpu'));

  it('registers the five critics', () => {
    const registries = new PluginRegistries(criticDefinitions);
    expect(registries.of('critic').names()).toEqual(['bilinear', 'concat-conv', 'dim-global', 'dot-product', 'prior-discriminator']);
  });

  it('resolves dot-product, with "heads" as the default of both sides', () => {
    const plain = critic<DotProductCritic>('dot-product');
    expect(plain).toBeInstanceOf(DotProductCritic);
    expect(plain.trainableVariables).toHaveLength(0);
    const headed = critic<DotProductCritic>('dot-product', {
      heads: 'dim-encode',
      antecedentChannels: 4,
      consequentChannels: 6,
      units: 8,
      scaleBySqrtDim: true,
    });
    expect(headed.antecedentHead?.outChannels).toBe(8);
    expect(headed.consequentHead?.inChannels).toBe(6);
    const amdim = critic<DotProductCritic>('dot-product', {
      heads: 'amdim-residual',
      antecedentHead: 'none',
      consequentChannels: 6,
      units: 8,
    });
    expect(amdim.antecedentHead).toBeNull();
    expect(amdim.getConfig()).toMatchObject({ antecedentHead: 'none', consequentHead: 'amdim-residual', units: 8 });
    const { scores } = amdim.score(tf.ones([2, 8]), tf.ones([2, 3, 3, 6]), { training: false });
    expect(scores.shape).toEqual([2, 18]);
  });

  it('resolves bilinear, concat-conv, dim-global and prior-discriminator', () => {
    const bilinear = critic<BilinearCritic>('bilinear', { contextChannels: 4, frameChannels: 3 });
    expect(bilinear).toBeInstanceOf(BilinearCritic);
    expect(bilinear.getConfig()).toEqual({ steps: 12, contextChannels: 4, frameChannels: 3, negatives: 'same-step' });
    expect(critic('concat-conv', { globalChannels: 4, localChannels: 3, hiddenUnits: 8 })).toBeInstanceOf(ConcatConvCritic);
    const global = critic<DimGlobalDiscriminator>('dim-global', { globalChannels: 4, localChannels: 3, mapSize: [6, 7], hiddenUnits: 8 });
    expect(global).toBeInstanceOf(DimGlobalDiscriminator);
    expect([global.mapHeight, global.mapWidth]).toEqual([6, 7]);
    const prior = critic<PriorDiscriminator>('prior-discriminator', { inUnits: 5, hiddenUnits: [6, 4] });
    expect(prior).toBeInstanceOf(PriorDiscriminator);
    expect(prior.discriminate(tf.zeros([3, 5])).shape).toEqual([3]);
  });

  it('every critic fulfils the Critic contract', () => {
    const all: Critic[] = [
      critic('dot-product'),
      critic('bilinear', { contextChannels: 2, frameChannels: 2 }),
      critic('concat-conv', { globalChannels: 2, localChannels: 2 }),
      critic('dim-global', { globalChannels: 2, localChannels: 2, mapSize: 5 }),
      critic('prior-discriminator'),
    ];
    for (const c of all) {
      expect(typeof c.score).toBe('function');
      expect(typeof c.getConfig).toBe('function');
      expect(c.namedVariables()).toBeInstanceOf(Map);
      c.dispose();
    }
  });

  it('the seed reproduces the weights, another seed changes them', () => {
    const weights = (seed: number) =>
      [...critic<ConcatConvCritic>('concat-conv', { globalChannels: 2, localChannels: 2, hiddenUnits: 3 }, seed).namedVariables()].map(
        ([path, v]) => [path, Array.from(v.dataSync())],
      );
    expect(weights(11)).toEqual(weights(11));
    expect(weights(11)).not.toEqual(weights(12));
  });

  it('fails at start-up, naming the field, when a size known only from data is missing', () => {
    const build = (name: string, options: Record<string, unknown>) => () =>
      createContainer({ modules: [criticsModule], config: { critic: { name, options } } });
    expect(build('bilinear', { frameChannels: 3 })).toThrow(InvalidPluginConfigError);
    expect(build('bilinear', { frameChannels: 3 })).toThrow(/options\.contextChannels: required: the channel count D_c of the contexts/);
    expect(build('concat-conv', { globalChannels: 3 })).toThrow(/options\.localChannels: required/);
    expect(build('dim-global', { globalChannels: 3, localChannels: 2 })).toThrow(/options\.mapSize: required/);
    expect(build('dim-global', { globalChannels: 3, localChannels: 2, mapSize: 3 })).toThrow(/options\.mapSize: must be at least 5/);
    expect(build('dot-product', { heads: 'amdim-residual', consequentChannels: 4 })).toThrow(
      /options\.antecedentChannels: required when the antecedent head is 'amdim-residual'/,
    );
    expect(build('dot-product', { heads: 'mlp' })).toThrow(/options\.heads/);
    expect(build('concat-conv', { globalChannels: 'many', localChannels: 2 })).toThrow(/options\.globalChannels: must be a positive integer/);
  });

  it('the definitions can be used without a container', () => {
    const registries = new PluginRegistries(criticDefinitions);
    const made = registries.create<BilinearCritic>('critic', { name: 'bilinear', options: { steps: 2, contextChannels: 2, frameChannels: 2 } }, new Rng(0));
    expect(made.predictors.kernel.shape).toEqual([2, 4]);
  });
});
