import { definePlugin, z } from '@infomax/core';
import { CpcPatchEncoder, CPC_PATCH_ENCODER_DEFAULTS } from '../cpc/cpc-patch-encoder';
import { NORM_KINDS } from '../layers/norm-layer';
import { positiveInt, width } from './schemas';

const d = CPC_PATCH_ENCODER_DEFAULTS;

export const cpcPatchEncoderOptionsSchema = z.strictObject({
  inChannels: positiveInt().default(d.inChannels),
  widths: z.array(width()).min(1).default([...d.widths]),
  outputDim: width().nullable().default(d.outputDim),
  norm: z.enum(NORM_KINDS as ['batch', 'layer', 'none']).default(d.norm),
  gridShape: z.tuple([positiveInt(), positiveInt()]).nullable().default(null),
});

export const cpcPatchEncoderPlugin = definePlugin({
  kind: 'encoder',
  name: 'cpc-patch',
  description: 'CPC patch encoder: patch grid [B,gh,gw,ph,pw,C] -> grid [B,gh,gw,D] (small ResNet + pool)',
  optionsSchema: cpcPatchEncoderOptionsSchema,
  create: (options, { rng }) => new CpcPatchEncoder(options, rng),
});
