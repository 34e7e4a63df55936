export { amdimMultiNce, type AmdimEmbeddings, type AmdimMultiNceOptions, type AmdimMultiNceResult, type AmdimScoreFunction } from './amdim/multiscale-nce';
export { AmdimObjective, type AmdimParts } from './amdim/amdim-objective';
export { drawLocations, selectLocations } from './amdim/select-locations';
export { OnlineProbe, PROBE_FEATURES, PROBE_LABELS, type OnlineProbeOptions } from './probe/online-probe';
export { asBoundFunction, type BoundLike } from './shared/bound-function';
export { requireViews } from './shared/require-views';
export { partSelection, withDerivedOptions, probeOptionsSchema, type ProbeOptions } from './shared/part-selection';
export { amdimObjectivePlugin, amdimObjectiveOptionsSchema } from './plugins/amdim-plugin';
export { objectivesModule, objectiveDefinitions } from './objectives-module';
export { DimObjective, type DimParts, type DimObjectiveOptions } from './dim/dim-objective';
export { dimLocal, dimGlobal, DIM_PRESETS, type DimWeights, type DimPresetName } from './dim/dim-weights';
export { PriorMatching, PRIOR_ENCODED, type PriorMatchingOptions } from './dim/prior-matching';
export {
  dimObjectivePlugin,
  dimObjectiveOptionsSchema,
  dimPriorOptionsSchema,
  resolveDimWeights,
  type DimObjectiveOptionsInput,
  type DimObjectiveConfig,
} from './plugins/dim-plugin';
export { CpcObjective, type CpcMode, type CpcParts, type CpcObjectiveOptions } from './cpc/cpc-objective';
export { columnSequences } from './cpc/column-sequences';
export { isPredictiveCritic, stepAccuracy, stepScores, type PredictiveCritic } from './cpc/step-scores';
export { cpcObjectivePlugin, cpcObjectiveOptionsSchema, CPC_DEFAULTS, type CpcObjectiveOptionsInput } from './plugins/cpc-plugin';
export { cutPatchGrid, patchCount } from './shared/patch-grid';
export { scoreMatrix } from './shared/score-matrix';
export { estimateLabel } from './shared/estimate-label';
