import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, useBackend, type BoundResult } from '@infomax/core';
import {
  composedInfoNce,
  fusedInfoNceAvailable,
  INFO_NCE_GRAD_KERNEL,
  INFO_NCE_KERNEL,
  infoNce,
  registerFusedInfoNceKernels,
  type InfoNceOptions,
} from '@infomax/bounds';
import {
  blockMask,
  expectClose,
  expectMatrixClose,
  eye,
  f32,
  numericGradient,
  refInfoNce,
  type Matrix,
} from './reference';

type InfoNceFn = (s: tf.Tensor2D, m: tf.Tensor2D, o?: InfoNceOptions) => BoundResult;
type Output = 'loss' | 'estimate' | 'nce' | 'regularizer';
const OUTPUTS: Output[] = ['loss', 'estimate', 'nce', 'regularizer'];

const pick = (r: BoundResult, output: Output): tf.Scalar =>
  output === 'loss' ? r.loss : output === 'estimate' ? r.estimate : r.terms[output]!;

function randomScores(rows: number, columns: number, rng: Rng, scale: number): Matrix {
  return f32(Array.from({ length: rows }, () => Array.from({ length: columns }, () => rng.normal(0, scale))));
}

/** 1 to 3 positives per row, so rows also differ in their number of negatives. */
function raggedMask(rows: number, columns: number): Matrix {
  return Array.from({ length: rows }, (_, n) =>
    Array.from({ length: columns }, (_, m) => ((m - n + columns) % columns < 1 + (n % 3) ? 1 : 0)),
  );
}

async function values(fn: InfoNceFn, S: Matrix, P: Matrix, options: InfoNceOptions, dtype: 'float32' | 'int32' | 'bool' = 'float32') {
  const scores = tf.tensor2d(S);
  const mask = tf.tensor2d(P, undefined, dtype);
  const r = fn(scores, mask, options);
  const out = {} as Record<Output, number>;
  for (const o of OUTPUTS) {
    expect(pick(r, o).shape).toEqual([]);
    out[o] = (await pick(r, o).data())[0]!;
  }
  tf.dispose([scores, mask, r.loss, r.estimate, r.terms.nce!, r.terms.regularizer!]);
  return out;
}

async function gradient(fn: InfoNceFn, S: Matrix, P: Matrix, options: InfoNceOptions, output: Output): Promise<Float32Array> {
  const scores = tf.tensor2d(S);
  const mask = tf.tensor2d(P);
  const g = tf.grad((s: tf.Tensor) => pick(fn(s as tf.Tensor2D, mask, options), output))(scores);
  const out = (await g.data()) as Float32Array;
  tf.dispose([scores, mask, g]);
  return out;
}

/** max |a - b| / max |b| over the whole tensor. */
function relativeError(actual: Float32Array, reference: Float32Array): number {
  let diff = 0;
  let scale = 0;
  reference.forEach((r, i) => {
    diff = Math.max(diff, Math.abs(r - actual[i]!));
    scale = Math.max(scale, Math.abs(r));
  });
  return diff / Math.max(scale, 1e-30);
}

const OPTIONS: { label: string; options: InfoNceOptions }[] = [
  { label: 'no options', options: {} },
  { label: 'clip 2', options: { clip: 2 } },
  { label: 'l2 0.05', options: { l2: 0.05 } },
  { label: 'clip 20 l2 0.05 (AMDIM)', options: { clip: 20, l2: 0.05 } },
];

const MASKS: { label: string; mask: Matrix }[] = [
  { label: 'identity 5x5 (one positive per row)', mask: eye(5) },
  { label: 'ragged 6x9 (1-3 positives per row)', mask: raggedMask(6, 9) },
  { label: 'AMDIM block mask [32, 32*25]', mask: blockMask(32, 25) },
];

const BACKENDS = [
  { backend: 'cpu', valueTolerance: 1e-5, gradientTolerance: 1e-5 },
  { backend: 'wasm', valueTolerance: 1e-5, gradientTolerance: 1e-4 },
] as const;

for (const { backend, valueTolerance, gradientTolerance } of BACKENDS) {
  describe(`fused infoNce on ${backend}`, () => {
    beforeAll(() => useBackend(backend));

    it('runs as one kernel forward and one backward', async () => {
      const rng = new Rng('fused/profile');
      const S = randomScores(4, 12, rng, 2);
      const P = blockMask(4, 3);
      const profileOf = async (fn: InfoNceFn) => {
        const scores = tf.tensor2d(S);
        const mask = tf.tensor2d(P);
        const info = await tf.profile(() => {
          const g = tf.grad((s: tf.Tensor) => fn(s as tf.Tensor2D, mask, { clip: 20, l2: 0.05 }).loss)(scores);
          g.dispose();
        });
        tf.dispose([scores, mask]);
        return info.kernelNames;
      };
      const fused = await profileOf(infoNce);
      const composed = await profileOf(composedInfoNce);
      expect(fusedInfoNceAvailable()).toBe(true);
      // tf.grad itself adds an Identity (the seed of backprop), whichever path runs.
      expect(fused.filter((name) => name !== 'Identity')).toEqual([INFO_NCE_KERNEL, INFO_NCE_GRAD_KERNEL]);
      // The control: the composed path really is many kernels, so the assertion above can fail.
      expect(composed).toContain('Tanh');
      expect(composed).not.toContain(INFO_NCE_KERNEL);
      expect(composed.length).toBeGreaterThan(20);
    });

    for (const { label: optionsLabel, options } of OPTIONS) {
      for (const { label: maskLabel, mask } of MASKS) {
        it(`matches the composed path and the float64 reference: ${optionsLabel}, ${maskLabel}`, async () => {
          const rng = new Rng(`fused/${optionsLabel}/${maskLabel}`);
          const S = randomScores(mask.length, mask[0]!.length, rng, 3);
          const expected = refInfoNce(S, mask, options);
          const fused = await values(infoNce, S, mask, options);
          const composed = await values(composedInfoNce, S, mask, options);
          const reference = { loss: expected.loss, estimate: expected.estimate, ...expected.terms } as Record<Output, number>;
          for (const o of OUTPUTS) {
            expectClose(fused[o], reference[o], valueTolerance, `fused ${o}`);
            expectClose(composed[o], reference[o], valueTolerance, `composed ${o}`);
          }
        });

        it(`gradients of loss, estimate, nce and regularizer match the composed path: ${optionsLabel}, ${maskLabel}`, async () => {
          const rng = new Rng(`fused-grad/${optionsLabel}/${maskLabel}`);
          const S = randomScores(mask.length, mask[0]!.length, rng, 3);
          for (const o of OUTPUTS) {
            const fused = await gradient(infoNce, S, mask, options, o);
            if (o === 'regularizer' && !options.l2) {
              // The composed regulariser is then a constant tfjs cannot differentiate; fused gives zeros.
              expect(fused.every((v) => v === 0)).toBe(true);
              continue;
            }
            const composed = await gradient(composedInfoNce, S, mask, options, o);
            const error = relativeError(fused, composed);
            if (!(error <= gradientTolerance)) expect.fail(`d ${o} / ds: relative error ${error} > ${gradientTolerance}`);
          }
        });
      }
    }

    it('reads float32, int32 and bool masks alike', async () => {
      const rng = new Rng('fused/dtypes');
      const P = raggedMask(4, 7);
      const S = randomScores(4, 7, rng, 2);
      const expected = refInfoNce(S, P, { clip: 3, l2: 0.1 });
      for (const dtype of ['float32', 'int32', 'bool'] as const) {
        const r = await values(infoNce, S, P, { clip: 3, l2: 0.1 }, dtype);
        expectClose(r.loss, expected.loss, valueTolerance, `${dtype} mask loss`);
        expectClose(r.estimate, expected.estimate, valueTolerance, `${dtype} mask estimate`);
      }
    });

    it('stays finite and exact on scores of +-1e4, with and without clip', async () => {
      const rng = new Rng('fused/extreme');
      const P = raggedMask(4, 6);
      const S = P.map((row) => row.map(() => (rng.uniform() < 0.5 ? -1e4 : 1e4)));
      for (const options of [{}, { clip: 20, l2: 0.05 }]) {
        const expected = refInfoNce(S, P, options);
        const fused = await values(infoNce, S, P, options);
        expectClose(fused.loss, expected.loss, valueTolerance, `loss ${JSON.stringify(options)}`);
        expectClose(fused.estimate, expected.estimate, valueTolerance, `estimate ${JSON.stringify(options)}`);
        for (const o of OUTPUTS.filter((o) => o !== 'regularizer' || 'l2' in options)) {
          const g = await gradient(infoNce, S, P, options, o);
          expect(g.every(Number.isFinite)).toBe(true);
          // Float32 log-sum-exps of 1e4 keep only ~1e-3 absolute, so the composed path is the less exact one here.
          const error = relativeError(g, await gradient(composedInfoNce, S, P, options, o));
          if (!(error <= 1e-4)) expect.fail(`d ${o} / ds at +-1e4: relative error ${error}`);
        }
      }
      // Row 0: positive 1e4 against negatives 1e4 (x3) and -1e4 (x2): 1 - sigma = 3/4, 7 positives in all.
      expect(S[0]).toEqual([1e4, -1e4, 1e4, 1e4, -1e4, 1e4]);
      expectClose((await gradient(infoNce, S, P, {}, 'loss'))[0]!, -3 / 4 / 7, 1e-6, 'd loss / ds(0, 0)');
    });

    it('gradients match central differences of the float64 reference', async () => {
      const rng = new Rng('fused/central-differences');
      const P = raggedMask(3, 5);
      const S = randomScores(3, 5, rng, 1.5);
      const options = { clip: 2, l2: 0.1 };
      const of = (o: Output) => (X: Matrix) => {
        const r = refInfoNce(X, P, options);
        return o === 'loss' ? r.loss : o === 'estimate' ? r.estimate : r.terms[o]!;
      };
      for (const o of OUTPUTS) {
        const g = await gradient(infoNce, S, P, options, o);
        const actual = P.map((row, n) => row.map((_, m) => g[n * row.length + m]!));
        expectMatrixClose(actual, numericGradient(of(o), S), 1e-4, `d ${o} / ds`);
      }
    });

    it('differentiates loss minus regularizer as AMDIM does', async () => {
      const rng = new Rng('fused/amdim-difference');
      const P = blockMask(8, 25);
      const S = randomScores(8, 200, rng, 3);
      const mask = tf.tensor2d(P);
      const scores = tf.tensor2d(S);
      const nceOnly = (fn: InfoNceFn) =>
        tf.grad((s: tf.Tensor) => {
          const r = fn(s as tf.Tensor2D, mask, { clip: 20, l2: 0.05 });
          return tf.sub(r.loss, r.terms.regularizer!);
        })(scores);
      const [fused, composed] = [nceOnly(infoNce), nceOnly(composedInfoNce)];
      const error = relativeError((await fused.data()) as Float32Array, (await composed.data()) as Float32Array);
      tf.dispose([mask, scores, fused, composed]);
      expect(error).toBeLessThanOrEqual(gradientTolerance);
    });

    it('leaks no tensors over repeated forward and backward passes', async () => {
      const rng = new Rng('fused/leaks');
      const scores = tf.tensor2d(randomScores(8, 40, rng, 2));
      const w = tf.variable(scores);
      const mask = tf.tensor2d(blockMask(8, 5));
      await expectNoLeakedTensors(
        async () => {
          const { value, grads } = tf.variableGrads(() => infoNce(w, mask, { clip: 20, l2: 0.05 }).loss, [w]);
          const g = tf.grad((s: tf.Tensor) => infoNce(s as tf.Tensor2D, mask, { clip: 20, l2: 0.05 }).loss)(scores);
          await g.data();
          tf.dispose([value, g, ...Object.values(grads)]);
          const r = infoNce(scores, mask);
          tf.dispose([r.loss, r.estimate, r.terms.nce!, r.terms.regularizer!]);
        },
        { label: 'fused infoNce' },
      );
      tf.dispose([scores, w, mask]);
    });

    it('trains a variable through tf.variableGrads', async () => {
      const P = eye(3);
      const w = tf.variable(tf.tensor2d(randomScores(3, 3, new Rng('fused/variable'), 1)));
      const mask = tf.tensor2d(P);
      const { value, grads } = tf.variableGrads(() => infoNce(w, mask, { l2: 0.01 }).loss, [w]);
      const expected = numericGradient((X) => refInfoNce(X, P, { l2: 0.01 }).loss, (await w.array()) as Matrix);
      const actual = (await grads[w.name]!.array()) as Matrix;
      expectMatrixClose(actual, expected, 1e-4, 'd loss / d w');
      tf.dispose([w, mask, value, ...Object.values(grads)]);
    });
  });
}

describe('fused infoNce registration and fallback', () => {
  const PLAIN = 'infomax-plain-cpu';

  beforeAll(async () => {
    await useBackend('cpu');
    // A backend with every stock cpu kernel but not the fused ones, as webgl or tfjs-node would be.
    const Cpu = tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend;
    tf.registerBackend(PLAIN, () => new Cpu());
    for (const config of tf.getKernelsForBackend('cpu')) {
      if (config.kernelName === INFO_NCE_KERNEL || config.kernelName === INFO_NCE_GRAD_KERNEL) continue;
      tf.registerKernel({ ...config, backendName: PLAIN });
    }
  });

  afterAll(async () => {
    for (const config of tf.getKernelsForBackend(PLAIN)) tf.unregisterKernel(config.kernelName, PLAIN);
    tf.removeBackend(PLAIN);
    await useBackend('cpu');
  });

  it('registering again, or after another copy registered, changes nothing and does not throw', () => {
    registerFusedInfoNceKernels();
    const mine = tf.getKernel(INFO_NCE_KERNEL, 'cpu')!.kernelFunc;
    const other: tf.KernelFunc = () => {
      throw new Error('another copy');
    };
    tf.unregisterKernel(INFO_NCE_KERNEL, 'cpu');
    tf.registerKernel({ kernelName: INFO_NCE_KERNEL, backendName: 'cpu', kernelFunc: other });
    try {
      expect(() => registerFusedInfoNceKernels()).not.toThrow();
      expect(tf.getKernel(INFO_NCE_KERNEL, 'cpu')!.kernelFunc).toBe(other);
    } finally {
      tf.unregisterKernel(INFO_NCE_KERNEL, 'cpu');
      tf.registerKernel({ kernelName: INFO_NCE_KERNEL, backendName: 'cpu', kernelFunc: mine });
    }
    expect(tf.getKernel(INFO_NCE_KERNEL, 'cpu')!.kernelFunc).toBe(mine);
  });

  it('falls back to the composed ops on a backend without the fused kernels, with the same values and gradients', async () => {
    const rng = new Rng('fused/fallback');
    const P = raggedMask(4, 6);
    const S = randomScores(4, 6, rng, 2);
    const options = { clip: 5, l2: 0.05 };
    const fusedValues = await values(infoNce, S, P, options);
    const fusedGradient = await gradient(infoNce, S, P, options, 'loss');
    await tf.setBackend(PLAIN);
    expect(fusedInfoNceAvailable()).toBe(false);
    const scores = tf.tensor2d(S);
    const mask = tf.tensor2d(P);
    const info = await tf.profile(() => {
      const r = infoNce(scores, mask, options);
      tf.dispose([r.loss, r.estimate, r.terms.nce!, r.terms.regularizer!]);
    });
    tf.dispose([scores, mask]);
    expect(info.kernelNames).toContain('Tanh');
    expect(info.kernelNames).not.toContain(INFO_NCE_KERNEL);
    const plainValues = await values(infoNce, S, P, options);
    for (const o of OUTPUTS) expectClose(plainValues[o], fusedValues[o], 1e-5, o);
    expect(relativeError(await gradient(infoNce, S, P, options, 'loss'), fusedGradient)).toBeLessThanOrEqual(1e-5);
  });
});
