import type { DataSource } from '@infomax/core';
import { EvalInputError } from './errors';
import { extractFeatures } from './extract-features';
import type { Featurizer } from './featurizer';
import { knnAccuracy } from './knn';
import type { KnnOptions } from './knn-options';
import { linearProbe } from './linear-probe';
import type { LinearProbeOptions } from './linear-probe-options';
import type { RepresentationRow } from './representation-row';

export interface RepresentationCandidate {
  /** The row's label in the table ("raw pixels", "random encoder", "amdim step 10000" ...). */
  name: string;
  featurize: Featurizer;
}

export interface EvaluateRepresentationsOptions {
  /** Examples per featurizer call. */
  batchSize?: number;
  /** Subsets (and their order) of each split; everything by default. */
  trainIndices?: Int32Array;
  testIndices?: Int32Array;
  linearProbe?: LinearProbeOptions;
  /** kNN on the unstandardised features; `false` skips it (the row then has null). */
  knn?: KnnOptions | false;
  /** Called when a candidate starts and at each stage, for progress output. */
  onProgress?: (event: { candidate: string; stage: 'features' | 'linear probe' | 'knn' | 'done' }) => void;
}

export interface EvaluateRepresentationsInput {
  train: DataSource;
  test: DataSource;
  numClasses: number;
  candidates: readonly RepresentationCandidate[];
  options?: EvaluateRepresentationsOptions;
}

/**
 * Evaluates each candidate representation on the same splits with the same seeded probe:
 * features are extracted from both sources, a linear probe is fitted on train and scored on
 * test, and a kNN classifier votes with train neighbours. The baselines are candidates like any
 * other: `rawPixelFeaturizer()` and a randomly initialised encoder of the trained one's
 * architecture (built by the caller, wrapped with `encoderFeaturizer`).
 */
export async function evaluateRepresentations(input: EvaluateRepresentationsInput): Promise<RepresentationRow[]> {
  const { train, test, numClasses, candidates } = input;
  const options = input.options ?? {};
  const batchSize = options.batchSize ?? 256;
  if (candidates.length === 0) throw new EvalInputError('evaluateRepresentations: no candidates to evaluate');
  const names = new Set<string>();
  for (const { name } of candidates) {
    if (names.has(name)) throw new EvalInputError(`evaluateRepresentations: two candidates are named '${name}'`);
    names.add(name);
  }
  for (const source of [train, test]) {
    if (source.numClasses !== undefined && source.numClasses > numClasses) {
      throw new EvalInputError(
        `evaluateRepresentations: source '${source.name}' has ${source.numClasses} classes, but numClasses is ${numClasses}`,
      );
    }
  }

  const rows: RepresentationRow[] = [];
  for (const candidate of candidates) {
    const report = (stage: 'features' | 'linear probe' | 'knn' | 'done') =>
      options.onProgress?.({ candidate: candidate.name, stage });
    report('features');
    const trainSet = await extractFeatures(candidate.featurize, train, { batchSize, indices: options.trainIndices });
    const testSet = await extractFeatures(candidate.featurize, test, { batchSize, indices: options.testIndices });
    if (trainSet.dim !== testSet.dim) {
      throw new EvalInputError(
        `evaluateRepresentations: '${candidate.name}' gives ${trainSet.dim} features on train but ${testSet.dim} on test`,
      );
    }
    report('linear probe');
    const probe = await linearProbe(
      {
        trainFeatures: trainSet.features,
        trainLabels: trainSet.labels,
        testFeatures: testSet.features,
        testLabels: testSet.labels,
        numClasses,
        dim: trainSet.dim,
      },
      options.linearProbe,
    );
    let knnTestAccuracy: number | null = null;
    if (options.knn !== false) {
      report('knn');
      knnTestAccuracy = await knnAccuracy(trainSet, testSet, options.knn ?? {});
    }
    report('done');
    rows.push({
      name: candidate.name,
      dim: trainSet.dim,
      linearProbeTrainAccuracy: probe.trainAccuracy,
      linearProbeTestAccuracy: probe.testAccuracy,
      knnTestAccuracy,
      linearProbeWeightDecay: probe.weightDecay,
    });
  }
  return rows;
}
