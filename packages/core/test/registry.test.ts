import { describe, expect, it } from 'vitest';
import {
  createContainer,
  definePlugin,
  DuplicatePluginError,
  InvalidPluginConfigError,
  pluginModule,
  PluginRegistries,
  Rng,
  Tokens,
  UnknownPluginError,
  z,
} from '@infomax/core';

const echo = definePlugin({
  kind: 'critic',
  name: 'echo',
  description: 'test critic',
  optionsSchema: z.object({ units: z.number().int().positive().default(4) }),
  create: (options) => ({ units: options.units }),
});

describe('plugin registries', () => {
  it('creates a plugin with defaults filled in', () => {
    const registries = new PluginRegistries([echo]);
    expect(registries.create('critic', { name: 'echo' }, new Rng(1))).toEqual({ units: 4 });
  });

  it('names kind, plugin and the known plugins on an unknown name', () => {
    const registries = new PluginRegistries([echo]);
    expect(() => registries.create('critic', { name: 'ecko' }, new Rng(1))).toThrow(UnknownPluginError);
    expect(() => registries.create('critic', { name: 'ecko' }, new Rng(1))).toThrow(
      /Unknown critic plugin 'ecko'\. Registered critic plugins: 'echo'/,
    );
  });

  it('rejects duplicates with the kind and name', () => {
    expect(() => new PluginRegistries([echo, echo])).toThrow(DuplicatePluginError);
    expect(() => new PluginRegistries([echo, echo])).toThrow(/critic plugin named 'echo' is already registered/);
  });

  it('names the field, the plugin and the kind on invalid options', () => {
    const registries = new PluginRegistries([echo]);
    const attempt = () => registries.create('critic', { name: 'echo', options: { units: -3 } }, new Rng(1));
    expect(attempt).toThrow(InvalidPluginConfigError);
    expect(attempt).toThrow(/Invalid config for critic plugin 'echo':\n {2}- options\.units: /);
  });
});

describe('createContainer', () => {
  it('binds the configured plugin to its kind token', () => {
    const container = createContainer({
      modules: [pluginModule([echo])],
      config: { seed: 3, critic: { name: 'echo', options: { units: 7 } } },
    });
    expect(container.get(Tokens.Critic)).toEqual({ units: 7 });
  });

  it('fails at start-up on an unknown plugin name', () => {
    expect(() =>
      createContainer({ modules: [pluginModule([echo])], config: { critic: { name: 'bilinearr' } } }),
    ).toThrow(/Unknown critic plugin 'bilinearr'/);
  });

  it('fails on a module loaded twice', () => {
    expect(() => createContainer({ modules: [pluginModule([echo]), pluginModule([echo])] })).toThrow(
      DuplicatePluginError,
    );
  });

  it('fails on an invalid top-level config field', () => {
    expect(() => createContainer({ config: { seed: -1 } as never })).toThrow(/seed: /);
  });
});
