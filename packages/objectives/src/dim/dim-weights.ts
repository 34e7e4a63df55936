/** The weights of DIM's three terms: alpha · I_global + beta · I_local + gamma · prior matching. */
export interface DimWeights {
  alpha: number;
  beta: number;
  gamma: number;
}

/** DIM(L) of Hjelm et al. 2019: local MI only, with a light prior (their best representations). */
export const dimLocal: Readonly<DimWeights> = Object.freeze({ alpha: 0, beta: 1, gamma: 0.1 });

/** DIM(G): global MI only, with the prior at full weight. */
export const dimGlobal: Readonly<DimWeights> = Object.freeze({ alpha: 1, beta: 0, gamma: 1 });

export const DIM_PRESETS = { local: dimLocal, global: dimGlobal } as const;
export type DimPresetName = keyof typeof DIM_PRESETS;
