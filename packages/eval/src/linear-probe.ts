import { Rng } from '@infomax/core';
import { EvalInputError } from './errors';
import {
  accuracyOf,
  assertLabelledFeatures,
  assertLabelsInRange,
  selectRows,
  type LabelledFeatures,
} from './labelled-features';
import { linearProbeOptionsSchema, type LinearProbeOptions, type ResolvedLinearProbeOptions } from './linear-probe-options';
import { parseOptions } from './parse-options';
import { seededSplit } from './seeded-split';
import { SoftmaxRegression } from './softmax-regression';
import { standardize } from './standardize';

export interface LinearProbeInput {
  trainFeatures: Float32Array;
  trainLabels: Int32Array;
  testFeatures: Float32Array;
  testLabels: Int32Array;
  numClasses: number;
  dim: number;
}

export interface WeightDecayTrial {
  weightDecay: number;
  /** Accuracy on the held-out part of the train split. */
  validationAccuracy: number;
}

export interface LinearProbeResult {
  trainAccuracy: number;
  testAccuracy: number;
  /** Mean training objective per epoch of the final fit. */
  lossCurve: number[];
  /** The L2 strength of the final fit (chosen on validation data when candidates were given). */
  weightDecay: number;
  /** One entry per candidate when a choice was made; empty otherwise. */
  weightDecayTrials: WeightDecayTrial[];
}

interface FitResult {
  trainAccuracy: number;
  evalAccuracy: number;
  lossCurve: number[];
}

/**
 * Standardises with `train` statistics, fits a softmax regression on `train` and scores both.
 * Every fit draws from the same named streams, so candidates differ only in their L2 strength.
 */
async function fitAndScore(
  train: LabelledFeatures,
  evaluation: LabelledFeatures,
  numClasses: number,
  weightDecay: number,
  options: ResolvedLinearProbeOptions,
): Promise<FitResult> {
  const root = new Rng(options.seed);
  let trainRows = train;
  let evalRows = evaluation;
  if (options.standardize) {
    const scaled = standardize(train, evaluation);
    trainRows = { ...train, features: scaled.train };
    evalRows = { ...evaluation, features: scaled.test };
  }
  const model = new SoftmaxRegression(train.dim, numClasses, root.fork('init'));
  try {
    const lossCurve = await model.fit(trainRows, {
      epochs: options.epochs,
      learningRate: options.learningRate,
      batchSize: options.batchSize,
      weightDecay,
      rng: root.fork('shuffle'),
    });
    const trainAccuracy = accuracyOf(await model.predict(trainRows.features), train.labels);
    const evalAccuracy = accuracyOf(await model.predict(evalRows.features), evaluation.labels);
    return { trainAccuracy, evalAccuracy, lossCurve: [...lossCurve] };
  } finally {
    model.dispose();
  }
}

/**
 * Linear evaluation of frozen features: multinomial logistic regression on standardised
 * features, trained with seeded (minibatch or full-batch) Adam and L2 weight decay for a fixed
 * number of epochs. With `weightDecayCandidates`, the L2 strength is chosen by accuracy on a
 * held-out fraction of the TRAIN split (ties go to the stronger penalty), then the probe is
 * refitted on the whole train split. The test split only ever gets scored.
 */
export async function linearProbe(input: LinearProbeInput, options: LinearProbeOptions = {}): Promise<LinearProbeResult> {
  const resolved = parseOptions(linearProbeOptionsSchema, options, 'linearProbe');
  const { numClasses, dim } = input;
  const train: LabelledFeatures = { features: input.trainFeatures, labels: input.trainLabels, dim };
  const test: LabelledFeatures = { features: input.testFeatures, labels: input.testLabels, dim };
  assertLabelledFeatures(train, 'linearProbe train split');
  assertLabelledFeatures(test, 'linearProbe test split');
  assertLabelsInRange(train.labels, numClasses, 'linearProbe train split');
  assertLabelsInRange(test.labels, numClasses, 'linearProbe test split');

  let weightDecay = resolved.weightDecay;
  const weightDecayTrials: WeightDecayTrial[] = [];
  const candidates = resolved.weightDecayCandidates;
  if (candidates && candidates.length > 1) {
    if (train.labels.length < 2) {
      throw new EvalInputError('linearProbe: choosing a weight decay needs at least 2 train rows');
    }
    const { fit, heldOut } = seededSplit(train.labels.length, resolved.validationFraction, new Rng(resolved.seed).fork('validation'));
    const fitRows = selectRows(train, fit);
    const heldOutRows = selectRows(train, heldOut);
    let best = -1;
    for (const candidate of candidates) {
      const { evalAccuracy } = await fitAndScore(fitRows, heldOutRows, numClasses, candidate, resolved);
      weightDecayTrials.push({ weightDecay: candidate, validationAccuracy: evalAccuracy });
      if (evalAccuracy > best || (evalAccuracy === best && candidate > weightDecay)) {
        best = evalAccuracy;
        weightDecay = candidate;
      }
    }
  } else if (candidates) {
    weightDecay = candidates[0]!;
  }

  const final = await fitAndScore(train, test, numClasses, weightDecay, resolved);
  return {
    trainAccuracy: final.trainAccuracy,
    testAccuracy: final.evalAccuracy,
    lossCurve: final.lossCurve,
    weightDecay,
    weightDecayTrials,
  };
}
