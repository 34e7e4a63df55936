import { definePlugin, pluginModule, z, type Bound, type Critic, type Encoder } from '@infomax/core';
import { partSelection, withDerivedOptions } from '@infomax/objectives';
import { GlobalNceObjective } from './global-nce-objective';

export const globalNceOptionsSchema = z.strictObject({
  /** One input image [H, W, C]: the encoder says from it how large `feature` is. */
  inputShape: z.array(z.number().int().positive()).min(1).default([32, 32, 3]),
  /** Any registered encoder; AMDIM's by default. */
  encoder: partSelection({ name: 'amdim' }),
  /** The encoder feature that is the global vector (AMDIM: f1 [1, 1, nRkhs]). */
  feature: z.string().min(1).default('f1'),
  /**
   * Any registered critic; it receives antecedentChannels = consequentChannels = the global
   * vector's size and units = the same unless the selection says otherwise. Default: SimCLR's
   * projection head as a shared DIM encode-and-dot head, scores scaled by 1 / sqrt(D).
   */
  critic: partSelection({ name: 'dot-product', options: { heads: 'dim-encode', shareHead: true, scaleBySqrtDim: true } }),
  bound: partSelection({ name: 'infonce' }),
});

/**
 * A new objective kind entry. The factory never imports a concrete encoder, critic or bound:
 * it asks its PluginContext for each by kind, with the selection from the options, so a config
 * swaps any of them by name. The `role` names give each part its own random stream.
 */
export const globalNcePlugin = definePlugin({
  kind: 'objective',
  name: 'global-nce',
  description: 'SimCLR-style InfoNCE between the global vectors of two views (symmetric, in-batch negatives)',
  optionsSchema: globalNceOptionsSchema,
  create: (options, context) => {
    const encoder = context.create<Encoder>('encoder', options.encoder, 'encoder');
    const shapes = encoder.featureShapes(options.inputShape);
    const shape = shapes[options.feature];
    if (!shape) {
      throw new Error(
        `global-nce: encoder '${options.encoder.name}' has no feature '${options.feature}' (it yields ${Object.keys(shapes).join(', ')})`,
      );
    }
    const size = shape.reduce((n, d) => n * d, 1);
    const critic = context.create<Critic>(
      'critic',
      withDerivedOptions(options.critic, { antecedentChannels: size, consequentChannels: size, units: size }),
      'critic',
    );
    const bound = context.create<Bound>('bound', options.bound, 'bound');
    return new GlobalNceObjective({ encoder, critic, bound }, options.feature);
  },
});

export const globalNceModule = pluginModule([globalNcePlugin]);
