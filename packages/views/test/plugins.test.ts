import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContainer, PluginRegistries, Rng, Tokens, useBackend, type ViewGenerator } from '@infomax/core';
import {
  IdentityViewGenerator,
  PatchGridViewGenerator,
  TemporalWindowViewGenerator,
  TwoViewGenerator,
  viewGeneratorPlugins,
  viewsModule,
} from '@infomax/views';

const resolve = (name: string, options?: Record<string, unknown>) =>
  createContainer({ modules: [viewsModule], config: { seed: 1, viewGenerator: { name, options } } }).get<ViewGenerator>(
    Tokens.ViewGenerator,
  );

describe('views plugins', () => {
  beforeAll(() => useBackend('cpu'));

  it('resolves every view generator from a container by name', () => {
    expect(resolve('two-view')).toBeInstanceOf(TwoViewGenerator);
    expect(resolve('identity')).toBeInstanceOf(IdentityViewGenerator);
    expect(resolve('patch-grid')).toBeInstanceOf(PatchGridViewGenerator);
    expect(resolve('temporal-window')).toBeInstanceOf(TemporalWindowViewGenerator);
    expect(new PluginRegistries(viewGeneratorPlugins).of('viewGenerator').names()).toEqual([
      'identity',
      'patch-grid',
      'temporal-window',
      'two-view',
    ]);
  });

  it('builds the AMDIM presets, and applies field overrides', () => {
    const cifar = resolve('two-view').getConfig() as { sharedFlip: number; view1: { transforms: { name: string }[] } };
    expect(cifar.sharedFlip).toBe(0.5);
    expect(cifar.view1.transforms.map((t) => t.name)).toEqual([
      'random-apply',
      'random-apply',
      'random-grayscale',
      'normalize',
    ]);
    const stl = resolve('two-view', { preset: 'amdim-stl', normalize: false }).getConfig() as {
      view1: { transforms: { name: string; size?: unknown }[] };
    };
    expect(stl.view1.transforms.map((t) => t.name)).toEqual(['random-resized-crop', 'random-apply', 'random-grayscale']);
    expect(stl.view1.transforms[0]!.size).toEqual([64, 64]);
    const custom = resolve('two-view', { preset: 'custom', translate: { radius: 2 } }).getConfig() as {
      sharedFlip: number;
      view1: { transforms: { p: number; transform: { radius: number } }[] };
    };
    expect(custom.sharedFlip).toBe(0);
    expect(custom.view1.transforms).toHaveLength(1);
    expect(custom.view1.transforms[0]!.p).toBe(0.8);
    expect(custom.view1.transforms[0]!.transform.radius).toBe(2);
  });

  it('passes options through to the other generators', () => {
    expect(resolve('patch-grid', { patchSize: 6, stride: 3, augment: { flip: 0.5 } }).getConfig()).toMatchObject({
      patchSize: 6,
      stride: 3,
      augment: { transforms: [{ name: 'horizontal-flip', p: 0.5 }] },
    });
    expect(resolve('temporal-window', { length: 12 }).getConfig()).toEqual({ name: 'temporal-window', length: 12 });
    const views = resolve('identity', { normalize: { mean: [0.5], std: [0.5] } }).generate(tf.ones([1, 2, 2, 1]), new Rng(1));
    expect(Array.from(views.view1!.dataSync())).toEqual([1, 1, 1, 1]);
  });

  it('fails at start-up on invalid options, naming the field', () => {
    expect(() =>
      createContainer({ modules: [viewsModule], config: { viewGenerator: { name: 'two-view', options: { preset: 'simclr' } } } }),
    ).toThrow(/two-view.*\n.*preset/);
    expect(() =>
      createContainer({
        modules: [viewsModule],
        config: { viewGenerator: { name: 'two-view', options: { colorJitter: { hue: 0.7 } } } },
      }),
    ).toThrow(/colorJitter/);
    expect(() =>
      createContainer({ modules: [viewsModule], config: { viewGenerator: { name: 'identity', options: { normalize: { mean: [0], std: [1, 2] } } } } }),
    ).toThrow(/same length/);
  });
});
