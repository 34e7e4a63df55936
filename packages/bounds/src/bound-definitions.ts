import { definePlugin, z } from '@infomax/core';
import { DonskerVaradhanBound } from './donsker-varadhan-bound';
import { InfoNceBound } from './info-nce-bound';
import { JsdBound } from './jsd-bound';
import { NwjBound } from './nwj-bound';

// Strict schemas: a misspelt option ("clp") is an error at start-up, not a silently ignored key.
const validateOption = z
  .boolean()
  .default(false)
  .describe('Check the mask contents on every call (reads the mask back from the backend)');

export const infoNceBoundDefinition = definePlugin({
  kind: 'bound',
  name: 'infonce',
  description: 'InfoNCE (CPC, AMDIM, DIM-NCE): each positive against its row\'s negatives; estimate <= log(1 + K)',
  optionsSchema: z.strictObject({
    clip: z
      .number()
      .positive()
      .optional()
      .describe('Soft clip c: scores -> c * tanh(s / c) before the softmax; omit for none (AMDIM: 20)'),
    l2: z
      .number()
      .nonnegative()
      .default(0)
      .describe('Weight of mean(s^2) over all scores, before clipping, added to the loss (AMDIM: 0.05)'),
    validate: validateOption,
  }),
  create: (options) => new InfoNceBound(options),
});

export const jsdBoundDefinition = definePlugin({
  kind: 'bound',
  name: 'jsd',
  description: 'Jensen-Shannon objective of Deep InfoMax; its estimate is the JSD, not mutual information',
  optionsSchema: z.strictObject({ validate: validateOption }),
  create: (options) => new JsdBound(options),
});

export const donskerVaradhanBoundDefinition = definePlugin({
  kind: 'bound',
  name: 'dv',
  description: 'Donsker-Varadhan lower bound (MINE): mean_pos s - log mean_neg exp(s)',
  optionsSchema: z.strictObject({ validate: validateOption }),
  create: (options) => new DonskerVaradhanBound(options),
});

export const nwjBoundDefinition = definePlugin({
  kind: 'bound',
  name: 'nwj',
  description: 'NWJ / f-GAN KL lower bound: mean_pos s - mean_neg exp(s - 1)',
  optionsSchema: z.strictObject({ validate: validateOption }),
  create: (options) => new NwjBound(options),
});

/** Every bound this package provides, in registration order. */
export const boundDefinitions = [
  infoNceBoundDefinition,
  jsdBoundDefinition,
  donskerVaradhanBoundDefinition,
  nwjBoundDefinition,
] as const;
