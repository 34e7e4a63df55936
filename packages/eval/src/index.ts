export { EvalInputError } from './errors';
export {
  accuracyOf,
  assertLabelledFeatures,
  assertLabelsInRange,
  assertSameDim,
  rowCount,
  selectRows,
  type LabelledFeatures,
} from './labelled-features';
export type { Featurizer } from './featurizer';
export { extractFeatures, type ExtractFeaturesOptions } from './extract-features';
export {
  applyStandardization,
  featureMoments,
  standardize,
  type FeatureRows,
  type Standardized,
  type StandardizeOptions,
} from './standardize';
export { SoftmaxRegression, type SoftmaxRegressionFitOptions } from './softmax-regression';
export {
  linearProbeOptionsSchema,
  type LinearProbeOptions,
  type ResolvedLinearProbeOptions,
} from './linear-probe-options';
export { linearProbe, type LinearProbeInput, type LinearProbeResult, type WeightDecayTrial } from './linear-probe';
export { seededSplit } from './seeded-split';
export { knnOptionsSchema, type KnnMetric, type KnnOptions } from './knn-options';
export { knnAccuracy, knnPredict, voteNearestFirst } from './knn';
export { rawPixelFeaturizer } from './raw-pixel-featurizer';
export { encoderFeaturizer } from './encoder-featurizer';
export type { RepresentationRow } from './representation-row';
export {
  evaluateRepresentations,
  type EvaluateRepresentationsInput,
  type EvaluateRepresentationsOptions,
  type RepresentationCandidate,
} from './evaluate-representations';
export { formatAccuracyTable } from './format-accuracy-table';
