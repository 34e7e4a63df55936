import * as tf from '@tensorflow/tfjs';
import { createContainer, Rng, Tokens, type Bound, type EstimateKind, type PluginRegistries } from '@infomax/core';
import { boundsModule } from '@infomax/bounds';
import { sampleCorrelatedGaussians, trueMutualInformation } from './correlated-gaussians';
import { SeparableCritic } from './separable-critic';

export type BoundName = 'infonce' | 'jsd' | 'dv' | 'nwj';

export interface KnownMiOptions {
  /** Adam steps per (bound, rho) run. */
  steps: number;
  /** Pairs per batch; the score matrix is [batchSize, batchSize] with the pairs on the diagonal. */
  batchSize: number;
  dims: number;
  /** Per-dimension correlations, each in (-1, 1). */
  rhos: readonly number[];
  /** Bound plugin names, as registered by @infomax/bounds. */
  bounds: readonly BoundName[];
  seed: number;
  learningRate?: number;
  hidden?: number;
  embedding?: number;
  /** Fresh batches the final estimate is averaged over. */
  evalBatches?: number;
  /** Record the training estimate every this many steps (each record is one read-back). */
  traceEvery?: number;
  /** Called after every finished (bound, rho) run, e.g. to print progress. */
  onRun?: (bound: BoundName, point: CurvePoint) => void;
}

export interface CurvePoint {
  rho: number;
  trueMi: number;
  /** Mean estimate of the trained critic over `evalBatches` fresh batches. */
  estimate: number;
  /** Standard deviation of that estimate across the evaluation batches. */
  std: number;
  /** Training estimates, one per `traceEvery` steps: [step, estimate]. */
  trace: [number, number][];
  seconds: number;
}

export interface BoundCurve {
  bound: BoundName;
  estimateKind: EstimateKind;
  points: CurvePoint[];
}

export interface KnownMiComparison {
  dims: number;
  batchSize: number;
  /** log N: InfoNCE can never certify more than this. */
  logN: number;
  curves: BoundCurve[];
}

/**
 * For every bound and every rho, trains a fresh separable critic with Adam on that bound's
 * loss, then measures its estimate on fresh batches. Each bound sees the same data stream for
 * a given rho, so the curves differ only by the bound.
 */
export async function runKnownMiComparison(options: KnownMiOptions): Promise<KnownMiComparison> {
  const { steps, batchSize, dims, rhos, bounds, seed } = options;
  const learningRate = options.learningRate ?? 2e-3;
  const evalBatches = options.evalBatches ?? 8;
  const traceEvery = options.traceEvery ?? Math.max(1, Math.floor(steps / 50));
  if (!(Number.isInteger(batchSize) && batchSize >= 2)) throw new RangeError(`batchSize must be an integer >= 2, got ${batchSize}`);

  // The bounds come from the container by name, exactly as a config would select them.
  const container = createContainer({ modules: [boundsModule], config: { seed } });
  const registries = container.get<PluginRegistries>(Tokens.PluginRegistries);
  const root = new Rng(seed);
  const mask = tf.eye(batchSize) as tf.Tensor2D;

  const curves: BoundCurve[] = [];
  try {
    for (const name of bounds) {
      const bound = registries.create<Bound>('bound', { name }, root);
      const curve: BoundCurve = { bound: name, estimateKind: bound.estimateKind, points: [] };
      for (const rho of rhos) {
        const point = await trainAndEvaluate(bound, rho, {
          ...options,
          learningRate,
          evalBatches,
          traceEvery,
          root,
          mask,
        });
        curve.points.push(point);
        options.onRun?.(name, point);
      }
      curves.push(curve);
    }
  } finally {
    mask.dispose();
  }
  return { dims, batchSize, logN: Math.log(batchSize), curves };
}

async function trainAndEvaluate(
  bound: Bound,
  rho: number,
  o: KnownMiOptions & { learningRate: number; evalBatches: number; traceEvery: number; root: Rng; mask: tf.Tensor2D },
): Promise<CurvePoint> {
  const started = performance.now();
  const { batchSize, dims, mask } = o;
  const critic = new SeparableCritic(
    { dims, hidden: o.hidden ?? 64, embedding: o.embedding ?? 32 },
    o.root.fork(`critic/${bound.name}/${rho}`),
  );
  const optimizer = tf.train.adam(o.learningRate);
  const data = o.root.fork(`data/${rho}`);
  const batch = (rng: Rng) => {
    const { x, y } = sampleCorrelatedGaussians(batchSize, dims, rho, rng);
    return { x: tf.tensor2d(x, [batchSize, dims]), y: tf.tensor2d(y, [batchSize, dims]) };
  };
  const trace: [number, number][] = [];
  try {
    for (let step = 1; step <= o.steps; step++) {
      const estimate = tf.tidy(() => {
        const { x, y } = batch(data);
        let kept: tf.Scalar | undefined;
        const { grads } = tf.variableGrads(() => {
          const result = bound.compute(critic.score(x, y), mask);
          kept = tf.keep(result.estimate);
          return result.loss;
        }, critic.trainableVariables);
        optimizer.applyGradients(grads as tf.NamedTensorMap as Parameters<typeof optimizer.applyGradients>[0]);
        return kept!;
      });
      if (step % o.traceEvery === 0 || step === o.steps) trace.push([step, (await estimate.data())[0]!]);
      estimate.dispose();
    }

    const evalRng = o.root.fork(`eval/${rho}`);
    const values: number[] = [];
    for (let i = 0; i < o.evalBatches; i++) {
      const estimate = tf.tidy(() => {
        const { x, y } = batch(evalRng);
        return bound.compute(critic.score(x, y), mask).estimate;
      });
      values.push((await estimate.data())[0]!);
      estimate.dispose();
    }
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
    return {
      rho,
      trueMi: trueMutualInformation(rho, dims),
      estimate: mean,
      std,
      trace,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    optimizer.dispose();
    critic.dispose();
  }
}
