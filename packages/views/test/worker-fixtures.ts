// Data and an objective for the view-worker tests: seeded random images with labels, and a
// one-layer InfoNCE objective on AMDIM's two views with an online probe on the labels.
import * as tf from '@tensorflow/tfjs';
import {
  Dense,
  maskedLogSoftmax,
  Module,
  Rng,
  type Batch,
  type DataSource,
  type Objective,
  type ObjectiveOutput,
  type OptimizerGroup,
  type Views,
} from '@infomax/core';

export class RandomImages implements DataSource {
  readonly name = 'random-images';
  readonly numClasses = 3;
  readonly exampleShape: number[];
  private readonly pixels: Float32Array;
  private readonly perExample: number;

  constructor(
    readonly size = 24,
    shape: [number, number, number] = [32, 32, 3],
  ) {
    this.exampleShape = shape;
    this.perExample = shape[0] * shape[1] * shape[2];
    this.pixels = new Rng('random-images').uniformArray(size * this.perExample);
  }

  batch(indices: Int32Array): Batch {
    const x = new Float32Array(indices.length * this.perExample);
    indices.forEach((index, row) => x.set(this.pixels.subarray(index * this.perExample, (index + 1) * this.perExample), row * this.perExample));
    return {
      x: tf.tensor(x, [indices.length, ...this.exampleShape]),
      labels: tf.tensor1d(Int32Array.from(indices, (i) => i % 3), 'int32'),
    };
  }
}

export class TinyTwoViewInfoNce extends Module implements Objective {
  readonly name = 'tiny-two-view-infonce';
  readonly encoder: Dense;
  readonly probe: Dense;

  constructor(rng: Rng, inUnits = 32 * 32 * 3) {
    super();
    this.encoder = this.addModule('encoder', new Dense({ inUnits, units: 8 }, rng.fork('encoder')));
    this.probe = this.addModule('probe', new Dense({ inUnits: 8, units: 3 }, rng.fork('probe')));
  }

  override get trainableVariables(): tf.Variable[] {
    return this.encoder.trainableVariables;
  }

  compute(views: Views, options: { labels?: tf.Tensor1D }): ObjectiveOutput {
    const n = views.view1!.shape[0]!;
    const za = this.encoder.apply(tf.reshape(views.view1!, [n, -1]));
    const zb = this.encoder.apply(tf.reshape(views.view2!, [n, -1]));
    const scores = tf.matMul(za, zb, false, true);
    const logProbabilities = maskedLogSoftmax(scores, tf.onesLike(scores));
    const loss = tf.neg(tf.div(tf.sum(tf.mul(logProbabilities, tf.eye(n))), n)) as tf.Scalar;
    return {
      loss,
      metrics: { estimate: tf.sub(Math.log(n), loss) as tf.Scalar },
      auxiliaryInputs: { features: za, ...(options.labels ? { labels: options.labels } : {}) },
    };
  }

  auxiliaryGroups(): OptimizerGroup[] {
    return [
      {
        name: 'probe',
        variables: this.probe.trainableVariables,
        learningRate: 0.05,
        loss: (inputs) => {
          const logits = this.probe.apply(inputs.features!);
          return { loss: tf.losses.softmaxCrossEntropy(tf.oneHot(inputs.labels as tf.Tensor1D, 3), logits) as tf.Scalar };
        },
      },
    ];
  }

  getConfig(): Record<string, unknown> {
    return {};
  }
}
