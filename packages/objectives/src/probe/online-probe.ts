import * as tf from '@tensorflow/tfjs';
import { assertShape, Dense, Module, type OptimizerGroup, type Rng } from '@infomax/core';

export interface OnlineProbeOptions {
  featureDim: number;
  numClasses: number;
  /** Hidden units of an MLP probe beside the linear one (AMDIM trains both); 0 for linear only. */
  hiddenUnits?: number;
  learningRate?: number;
}

/** The auxiliary input names an objective must provide for its online probe. */
export const PROBE_FEATURES = 'probe/features';
export const PROBE_LABELS = 'probe/labels';

/**
 * Linear (and optionally MLP) classifiers trained during training on *detached* features, so
 * their accuracy tracks the representation without shaping it (AMDIM's online evaluation).
 */
export class OnlineProbe extends Module implements OptimizerGroup {
  readonly name = 'probe';
  readonly learningRate: number;
  private readonly linear: Dense;
  private readonly hidden: Dense | null;
  private readonly mlpOut: Dense | null;

  constructor(
    readonly options: OnlineProbeOptions,
    rng: Rng,
  ) {
    super();
    const { featureDim, numClasses, hiddenUnits = 0 } = options;
    if (!Number.isInteger(numClasses) || numClasses < 2) {
      throw new Error(`OnlineProbe needs numClasses >= 2, got ${numClasses}`);
    }
    this.learningRate = options.learningRate ?? 1e-3;
    this.linear = this.addModule('linear', new Dense({ inUnits: featureDim, units: numClasses }, rng.fork('linear')));
    this.hidden = hiddenUnits > 0 ? this.addModule('mlp_hidden', new Dense({ inUnits: featureDim, units: hiddenUnits }, rng.fork('hidden'))) : null;
    this.mlpOut = hiddenUnits > 0 ? this.addModule('mlp_out', new Dense({ inUnits: hiddenUnits, units: numClasses }, rng.fork('out'))) : null;
  }

  get variables(): tf.Variable[] {
    return this.trainableVariables;
  }

  /** The auxiliary inputs for this probe: features flattened to [B, D] and the labels. */
  inputs(features: tf.Tensor, labels: tf.Tensor1D | undefined): Record<string, tf.Tensor> {
    if (!labels) return {};
    return { [PROBE_FEATURES]: tf.reshape(features, [features.shape[0]!, -1]), [PROBE_LABELS]: labels };
  }

  loss(inputs: Record<string, tf.Tensor>): { loss: tf.Scalar; metrics: Record<string, tf.Scalar> } {
    const features = inputs[PROBE_FEATURES];
    const labels = inputs[PROBE_LABELS];
    if (!features || !labels) {
      throw new Error('OnlineProbe: the batch has no labels; turn the probe off (probe: false) for unlabelled data');
    }
    assertShape(features, [null, this.options.featureDim], 'OnlineProbe features');
    return tf.tidy(() => {
      const onehot = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, this.options.numClasses);
      const linearLogits = this.linear.apply(features);
      let loss = tf.losses.softmaxCrossEntropy(onehot, linearLogits) as tf.Scalar;
      const metrics: Record<string, tf.Scalar> = { linear_accuracy: accuracy(linearLogits, labels) };
      if (this.hidden && this.mlpOut) {
        const mlpLogits = this.mlpOut.apply(tf.relu(this.hidden.apply(features)));
        loss = tf.add(loss, tf.losses.softmaxCrossEntropy(onehot, mlpLogits)) as tf.Scalar;
        metrics.mlp_accuracy = accuracy(mlpLogits, labels);
      }
      return { loss, metrics };
    });
  }
}

function accuracy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.mean(tf.cast(tf.equal(tf.argMax(logits, -1), tf.cast(labels, 'int32')), 'float32')) as tf.Scalar;
}
