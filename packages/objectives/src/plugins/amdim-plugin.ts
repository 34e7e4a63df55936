import { definePlugin, z, type Bound, type Encoder, type SeparableCritic } from '@infomax/core';
import { AmdimObjective } from '../amdim/amdim-objective';
import { OnlineProbe } from '../probe/online-probe';
import { partSelection, probeOptionsSchema, withDerivedOptions } from '../shared/part-selection';
import { channelsOf, exampleShapeSchema } from './shapes';

export const amdimObjectiveOptionsSchema = z.strictObject({
  /** One input image [H, W, C]; used to derive the critics' channel counts from the encoder. */
  inputShape: exampleShapeSchema.default([32, 32, 3]),
  encoder: partSelection({ name: 'amdim' }),
  /** Built twice (for the 5x5 and the 7x7 maps); receives antecedentChannels, consequentChannels, units. */
  localCritic: partSelection({ name: 'dot-product', options: { antecedentHead: 'none', consequentHead: 'amdim-residual' } }),
  bound: partSelection({ name: 'infonce', options: { clip: 20, l2: 0.05 } }),
  probe: probeOptionsSchema,
});

export const amdimObjectivePlugin = definePlugin({
  kind: 'objective',
  name: 'amdim',
  description: 'AMDIM: multiscale NCE (1->5, 1->7, 5->5) between two views of each image',
  optionsSchema: amdimObjectiveOptionsSchema,
  create: (options, context) => {
    const encoder = context.create<Encoder>('encoder', options.encoder, 'encoder');
    const shapes = encoder.featureShapes(options.inputShape);
    const d = channelsOf(shapes.f1, 'f1', options.encoder.name);
    const critic = (feature: 'f5' | 'f7', role: string) =>
      context.create<SeparableCritic>(
        'critic',
        withDerivedOptions(options.localCritic, {
          antecedentChannels: d,
          consequentChannels: channelsOf(shapes[feature], feature, options.encoder.name),
          units: d,
          // AMDIM scores u . v / sqrt(D) (section 3 of OBJECTIVES.md).
          scaleBySqrtDim: true,
        }),
        role,
      );
    return new AmdimObjective({
      encoder,
      critic5: critic('f5', 'critic5'),
      critic7: critic('f7', 'critic7'),
      bound: context.create<Bound>('bound', options.bound, 'bound'),
      probe: options.probe
        ? new OnlineProbe({ featureDim: d, ...options.probe }, context.rng.fork('probe'))
        : undefined,
    });
  },
});
