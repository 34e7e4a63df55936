import { definePlugin, z } from '@infomax/core';
import { DotProductCritic, dotProductOptionProblems } from '../dot-product-critic';
import { HEAD_KINDS } from '../heads/projection-head';
import { positiveInt } from './channel-count';

const headKind = z.enum(HEAD_KINDS);

export const dotProductOptionsSchema = z
  .object({
    /** The head of both sides unless `antecedentHead` / `consequentHead` say otherwise. */
    heads: headKind.default('none'),
    antecedentHead: headKind.optional(),
    consequentHead: headKind.optional(),
    antecedentChannels: positiveInt().optional(),
    consequentChannels: positiveInt().optional(),
    units: positiveInt().default(2048),
    shareHead: z.boolean().default(false),
    scaleBySqrtDim: z.boolean().default(false),
  })
  .transform((o) => ({
    ...o,
    antecedentHead: o.antecedentHead ?? o.heads,
    consequentHead: o.consequentHead ?? o.heads,
  }))
  .superRefine((o, ctx) => {
    for (const problem of dotProductOptionProblems(o)) {
      ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
    }
  });

export const dotProductCriticPlugin = definePlugin({
  kind: 'critic',
  name: 'dot-product',
  description:
    'Separable critic: score = h_a(x) . h_b(y), optionally / sqrt(D); heads none, AMDIM residual or DIM encode-and-dot',
  optionsSchema: dotProductOptionsSchema,
  create: (options, context) => new DotProductCritic(options, context.rng),
});
