import { describe, expect, it } from 'vitest';
import {
  createContainer,
  InvalidPluginConfigError,
  PluginRegistries,
  Rng,
  Tokens,
  type ContextNetwork,
  type Encoder,
} from '@infomax/core';
import {
  AmdimEncoder,
  CpcPatchEncoder,
  CpcStridedEncoder1d,
  DimConvEncoder,
  encoderPluginDefinitions,
  encodersModule,
  GruContextNetwork,
  MaskedConvContextNetwork,
} from '@infomax/encoders';

const encoders = [
  { name: 'amdim', options: { ndf: 2, nRkhs: 8, inChannels: 1 }, type: AmdimEncoder },
  { name: 'dim-basic', options: { inputSize: 28, inChannels: 1, widths: [4, 8, 16], fcUnits: 16, yDim: 4 }, type: DimConvEncoder },
  { name: 'cpc-strided-1d', options: { channels: 8 }, type: CpcStridedEncoder1d },
  { name: 'cpc-patch', options: { widths: [4], norm: 'layer' }, type: CpcPatchEncoder },
] as const;

const contextNetworks = [
  { name: 'gru', options: { inputDim: 8, hiddenSize: 8 }, type: GruContextNetwork },
  { name: 'masked-conv', options: { inputDim: 4, channels: 4, blocks: 1 }, type: MaskedConvContextNetwork },
] as const;

describe('encodersModule', () => {
  it('registers four encoders and two context networks', () => {
    const registries = new PluginRegistries(encoderPluginDefinitions);
    expect(registries.of('encoder').names()).toEqual(['amdim', 'cpc-patch', 'cpc-strided-1d', 'dim-basic']);
    expect(registries.of('contextNetwork').names()).toEqual(['gru', 'masked-conv']);
  });

  for (const { name, options, type } of encoders) {
    it(`resolves encoder '${name}' from a container by name`, () => {
      const container = createContainer({ modules: [encodersModule], config: { seed: 4, encoder: { name, options } } });
      const encoder = container.get<Encoder>(Tokens.Encoder);
      expect(encoder).toBeInstanceOf(type);
      expect(encoder.getConfig()).toMatchObject(options);
      encoder.dispose();
    });
  }

  for (const { name, options, type } of contextNetworks) {
    it(`resolves context network '${name}' from a container by name`, () => {
      const container = createContainer({ modules: [encodersModule], config: { seed: 4, contextNetwork: { name, options } } });
      const network = container.get<ContextNetwork>(Tokens.ContextNetwork);
      expect(network).toBeInstanceOf(type);
      expect(network.getConfig()).toMatchObject(options);
      network.dispose();
    });
  }

  it('fills defaults (the amdim-bench encoder) and seeds weights from the run seed', () => {
    const build = (seed: number) =>
      createContainer({ modules: [encodersModule], config: { seed, encoder: { name: 'amdim' } } }).get<AmdimEncoder>(Tokens.Encoder);
    const [a, b, c] = [build(1), build(1), build(2)];
    expect(a.getConfig()).toEqual({ inputSize: 32, ndf: 32, nRkhs: 256, depth: 1, inChannels: 3, useBatchNorm: false });
    const stem = (e: AmdimEncoder) => Array.from(e.namedVariables().get('layer0/conv/kernel')!.dataSync().slice(0, 8));
    expect(stem(a)).toEqual(stem(b));
    expect(stem(a)).not.toEqual(stem(c));
    for (const e of [a, b, c]) e.dispose();
  });

  it('rejects invalid and misspelt options at container start-up, naming plugin and field', () => {
    const start = (name: string, options: Record<string, unknown>) => () =>
      createContainer({ modules: [encodersModule], config: { encoder: { name, options } } });
    expect(start('amdim', { inputSize: 48 })).toThrow(InvalidPluginConfigError);
    expect(start('amdim', { inputSize: 48 })).toThrow(/encoder plugin 'amdim'[\s\S]*options\.inputSize/);
    expect(start('amdim', { nrkhs: 64 })).toThrow(/nrkhs/);
    expect(start('dim-basic', { widths: [64, 128] })).toThrow(/options\.widths/);
    expect(() =>
      createContainer({ modules: [encodersModule], config: { contextNetwork: { name: 'masked-conv', options: { kernelSize: 4 } } } }),
    ).toThrow(/kernelSize: must be odd/);
    expect(() => new PluginRegistries(encoderPluginDefinitions).create('encoder', { name: 'amdmi' }, new Rng(0))).toThrow(
      /Unknown encoder plugin 'amdmi'\. Registered encoder plugins: 'amdim', 'cpc-patch', 'cpc-strided-1d', 'dim-basic'/,
    );
  });
});
