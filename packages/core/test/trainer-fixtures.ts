// A tiny but complete setup for trainer tests: a synthetic data source, a two-view generator
// with seeded noise, and an InfoNCE objective (Dense + BatchNorm encoder, dot-product critic)
// with an online linear probe as an auxiliary optimizer group.
import * as tf from '@tensorflow/tfjs';
import {
  BatchNorm,
  Dense,
  maskedLogSoftmax,
  Module,
  Rng,
  type Batch,
  type ComputeOptions,
  type DataSource,
  type Objective,
  type ObjectiveOutput,
  type OptimizerGroup,
  type ViewGenerator,
  type Views,
} from '@infomax/core';

export class SyntheticVectors implements DataSource {
  readonly name = 'synthetic-vectors';
  readonly exampleShape = [6];
  readonly numClasses = 3;
  private readonly values: Float32Array;
  private readonly labels: Int32Array;

  constructor(readonly size = 24) {
    const rng = new Rng('synthetic-vectors');
    this.values = rng.normalArray(size * 6);
    this.labels = Int32Array.from({ length: size }, (_, i) => i % 3);
    // Make the classes separable so the probe has something to learn.
    for (let i = 0; i < size; i++) {
      const at = i * 6 + this.labels[i]!;
      this.values[at] = this.values[at]! + 2;
    }
  }

  batch(indices: Int32Array): Batch {
    const rows = new Float32Array(indices.length * 6);
    indices.forEach((index, row) => rows.set(this.values.subarray(index * 6, index * 6 + 6), row * 6));
    return {
      x: tf.tensor2d(rows, [indices.length, 6]),
      labels: tf.tensor1d(Int32Array.from(indices, (i) => this.labels[i]!), 'int32'),
    };
  }
}

export class NoisyTwoViews implements ViewGenerator {
  constructor(readonly noise = 0.1) {}

  generate(batch: tf.Tensor, rng: Rng): Views {
    return tf.tidy(() => ({
      a: tf.add(batch, tf.tensor(rng.normalArray(batch.size, 0, this.noise), batch.shape)),
      b: tf.add(batch, tf.tensor(rng.normalArray(batch.size, 0, this.noise), batch.shape)),
    }));
  }

  getConfig(): Record<string, unknown> {
    return { noise: this.noise };
  }
}

export interface TinyObjectiveOptions {
  units?: number;
  /** Adds a linear probe trained as the auxiliary group 'probe'. */
  probe?: boolean;
}

export class TinyInfoNce extends Module implements Objective {
  readonly name = 'tiny-infonce';
  readonly encoder: Dense;
  readonly norm: BatchNorm;
  readonly probe: Dense | null;
  /** Set by a test to make the next forward pass NaN. */
  poison = false;
  readonly units: number;

  constructor(rng: Rng, options: TinyObjectiveOptions = {}) {
    super();
    this.units = options.units ?? 4;
    this.encoder = this.addModule('encoder', new Dense({ inUnits: 6, units: this.units }, rng.fork('encoder')));
    this.norm = this.addModule('norm', new BatchNorm({ channels: this.units }));
    this.probe = options.probe ? this.addModule('probe', new Dense({ inUnits: this.units, units: 3 }, rng.fork('probe'))) : null;
  }

  override get trainableVariables(): tf.Variable[] {
    const probeVariables = new Set(this.probe ? this.probe.trainableVariables : []);
    return super.trainableVariables.filter((v) => !probeVariables.has(v));
  }

  private embed(x: tf.Tensor): tf.Tensor2D {
    return this.norm.apply(this.encoder.apply(x), { training: true }) as tf.Tensor2D;
  }

  compute(views: Views, options: ComputeOptions): ObjectiveOutput {
    // Poison the input, not just the loss, so batch-norm statistics see the NaN too.
    const za = this.embed(this.poison ? tf.mul(views.a!, NaN) : views.a!);
    const zb = this.embed(views.b!);
    const n = za.shape[0];
    // A draw from the objective's stream, so resume must restore it to match.
    const temperature = options.rng.uniform(0.9, 1.1);
    const scores = tf.div(tf.matMul(za, zb, false, true), temperature);
    const positives = tf.eye(n);
    const logProbabilities = maskedLogSoftmax(scores, tf.onesLike(scores));
    const loss = tf.neg(tf.div(tf.sum(tf.mul(logProbabilities, positives)), n)) as tf.Scalar;
    const auxiliaryInputs: Record<string, tf.Tensor> = { features: za };
    if (options.labels) auxiliaryInputs.labels = options.labels;
    return {
      loss,
      metrics: { estimate: tf.sub(Math.log(n), loss) as tf.Scalar },
      auxiliaryInputs,
    };
  }

  auxiliaryGroups(): OptimizerGroup[] {
    const probe = this.probe;
    if (!probe) return [];
    return [
      {
        name: 'probe',
        variables: probe.trainableVariables,
        learningRate: 0.05,
        loss: (inputs) => {
          const logits = probe.apply(inputs.features!);
          const onehot = tf.oneHot(inputs.labels as tf.Tensor1D, 3);
          const loss = tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
          const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), inputs.labels!), 'float32')) as tf.Scalar;
          return { loss, metrics: { accuracy } };
        },
      },
    ];
  }

  getConfig(): Record<string, unknown> {
    return { units: this.units, probe: this.probe !== null };
  }
}

/** Values of every variable by path, on the host. */
export async function variableValues(module: Module): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [path, v] of module.namedVariables()) out.set(path, (await v.data()) as Float32Array);
  return out;
}

export function maxAbsDifference(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  expectSameKeys(a, b);
  let worst = 0;
  for (const [path, values] of a) {
    const other = b.get(path)!;
    for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i]! - other[i]!));
  }
  return worst;
}

function expectSameKeys(a: Map<string, unknown>, b: Map<string, unknown>): void {
  const ka = [...a.keys()].sort().join(',');
  const kb = [...b.keys()].sort().join(',');
  if (ka !== kb) throw new Error(`different variables: ${ka} vs ${kb}`);
}
