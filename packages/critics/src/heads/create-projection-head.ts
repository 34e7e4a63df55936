import type { Module, Rng } from '@infomax/core';
import { AmdimResidualHead } from './amdim-residual-head';
import { DimEncodeAndDotHead } from './dim-encode-and-dot-head';
import type { HeadKind, ProjectionHead } from './projection-head';

/** Builds the head `kind` names ([..., inChannels] -> [..., units]), or null for 'none'. */
export function createProjectionHead(
  kind: HeadKind,
  inChannels: number,
  units: number,
  rng: Rng,
): (Module & ProjectionHead) | null {
  switch (kind) {
    case 'none':
      return null;
    case 'amdim-residual':
      return new AmdimResidualHead({ inChannels, outChannels: units }, rng);
    case 'dim-encode':
      return new DimEncodeAndDotHead({ inChannels, units }, rng);
    default: {
      const never: never = kind;
      throw new Error(`Unknown projection head '${String(never)}'; expected one of none, amdim-residual, dim-encode`);
    }
  }
}
