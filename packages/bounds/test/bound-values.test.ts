import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, TEST_BACKENDS, useBackend, type BoundResult } from '@infomax/core';
import { donskerVaradhan, infoNce, jsd, nwj } from '@infomax/bounds';
import {
  blockMask,
  expectClose,
  expectMatrixClose,
  eye,
  f32,
  numericGradient,
  refDonskerVaradhan,
  refInfoNce,
  refJsd,
  refNwj,
  scalarValue,
  type Matrix,
  type Reference,
} from './reference';

type BoundFn = (s: tf.Tensor2D, m: tf.Tensor2D) => BoundResult;

interface Case {
  label: string;
  fn: BoundFn;
  ref: (S: Matrix, P: Matrix) => Reference;
  terms: string[];
}

const CASES: Case[] = [
  { label: 'infoNce', fn: (s, m) => infoNce(s, m), ref: (S, P) => refInfoNce(S, P), terms: ['nce', 'regularizer'] },
  {
    label: 'infoNce clip 2',
    fn: (s, m) => infoNce(s, m, { clip: 2 }),
    ref: (S, P) => refInfoNce(S, P, { clip: 2 }),
    terms: ['nce', 'regularizer'],
  },
  {
    label: 'infoNce l2 0.05',
    fn: (s, m) => infoNce(s, m, { l2: 0.05 }),
    ref: (S, P) => refInfoNce(S, P, { l2: 0.05 }),
    terms: ['nce', 'regularizer'],
  },
  {
    label: 'infoNce clip 20 l2 0.05 (AMDIM)',
    fn: (s, m) => infoNce(s, m, { clip: 20, l2: 0.05 }),
    ref: (S, P) => refInfoNce(S, P, { clip: 20, l2: 0.05 }),
    terms: ['nce', 'regularizer'],
  },
  { label: 'jsd', fn: jsd, ref: refJsd, terms: ['positive', 'negative'] },
  { label: 'donskerVaradhan', fn: donskerVaradhan, ref: refDonskerVaradhan, terms: ['positive', 'negative'] },
  { label: 'nwj', fn: nwj, ref: refNwj, terms: ['positive', 'negative'] },
];

function randomScores(rows: number, columns: number, rng: Rng, scale = 2): Matrix {
  return f32(Array.from({ length: rows }, () => Array.from({ length: columns }, () => rng.normal(0, scale))));
}

/** A mask with a varying number of positives per row (1 to 3), each row keeping a negative. */
function raggedMask(rows: number, columns: number): Matrix {
  return Array.from({ length: rows }, (_, n) =>
    Array.from({ length: columns }, (_, m) => ((m - n + columns) % columns < 1 + (n % 3) ? 1 : 0)),
  );
}

const MASKS: { label: string; mask: Matrix }[] = [
  { label: 'identity 4x4 (one positive per row)', mask: eye(4) },
  { label: 'AMDIM block mask, 3 images x 2 locations', mask: blockMask(3, 2) },
  { label: 'ragged 4x5 (1-3 positives per row)', mask: raggedMask(4, 5) },
];

async function evaluate(fn: BoundFn, S: Matrix, P: Matrix) {
  const scores = tf.tensor2d(S);
  const mask = tf.tensor2d(P);
  const result = fn(scores, mask);
  const terms: Record<string, number> = {};
  for (const [k, v] of Object.entries(result.terms)) terms[k] = await scalarValue(v);
  const out = { loss: await scalarValue(result.loss), estimate: await scalarValue(result.estimate), terms };
  expect(result.loss.shape).toEqual([]);
  expect(result.estimate.shape).toEqual([]);
  tf.dispose([scores, mask, result as unknown as tf.Tensor]);
  return out;
}

async function gradientOfLoss(fn: BoundFn, S: Matrix, P: Matrix): Promise<Matrix> {
  const scores = tf.tensor2d(S);
  const mask = tf.tensor2d(P);
  const grad = tf.grad((s: tf.Tensor) => fn(s as tf.Tensor2D, mask).loss)(scores);
  const out = (await grad.array()) as Matrix;
  tf.dispose([scores, mask, grad]);
  return out;
}

for (const { name: backend, tolerance } of TEST_BACKENDS) {
  describe(`bounds on ${backend}`, () => {
    beforeAll(() => useBackend(backend));

    describe('hand-computed values', () => {
      it('infoNce: other positives of a row are not in the denominator', async () => {
        // Row 0: one positive log 3 against negatives 0, 0 -> l = log(3 / 5).
        // Row 1: positives log 2, log 2 against one negative 0 -> each l = log(2 / 3)
        // (it would be log(2 / 5) if the other positive counted as a negative).
        const S = f32([
          [Math.log(3), 0, 0],
          [0, Math.log(2), Math.log(2)],
        ]);
        const P = [
          [1, 0, 0],
          [0, 1, 1],
        ];
        const nce = -(Math.log(3 / 5) + 2 * Math.log(2 / 3)) / 3;
        const r = await evaluate((s, m) => infoNce(s, m), S, P);
        expectClose(r.loss, nce, tolerance, 'loss');
        expectClose(r.terms.nce!, nce, tolerance, 'terms.nce');
        expectClose(r.terms.regularizer!, 0, tolerance, 'terms.regularizer');
        expectClose(r.estimate, (Math.log(3) + Math.log(2)) / 2 - nce, tolerance, 'estimate');
      });

      it('infoNce clip and l2', async () => {
        // clip 2 maps 2 atanh(1/2) to exactly 1; l2 sees the unclipped scores.
        const raw = 2 * Math.atanh(0.5);
        const S = f32([[raw, 0]]);
        const r = await evaluate((s, m) => infoNce(s, m, { clip: 2, l2: 0.1 }), S, [[1, 0]]);
        const nce = Math.log(Math.E + 1) - 1;
        const regularizer = (0.1 * (Math.fround(raw) ** 2 + 0)) / 2;
        expectClose(r.terms.nce!, nce, tolerance, 'terms.nce');
        expectClose(r.terms.regularizer!, regularizer, tolerance, 'terms.regularizer');
        expectClose(r.loss, nce + regularizer, tolerance, 'loss');
        expectClose(r.estimate, Math.log(2) - nce, tolerance, 'estimate excludes the regulariser');
      });

      it('all-zero scores: InfoNCE, JSD and DV estimate 0, NWJ -1/e', async () => {
        const S = [
          [0, 0, 0, 0],
          [0, 0, 0, 0],
        ];
        const P = [
          [1, 1, 0, 0],
          [0, 0, 1, 0],
        ];
        const nceRow = await evaluate((s, m) => infoNce(s, m), S, P);
        // Row 0: two positives, each -log 3; row 1: one positive, -log 4.
        expectClose(nceRow.loss, (2 * Math.log(3) + Math.log(4)) / 3, tolerance, 'infoNce loss');
        expectClose(nceRow.estimate, (Math.log(3) + Math.log(4)) / 2 - (2 * Math.log(3) + Math.log(4)) / 3, tolerance, 'infoNce estimate');
        const j = await evaluate(jsd, S, P);
        expectClose(j.loss, 2 * Math.log(2), tolerance, 'jsd loss');
        expectClose(j.estimate, 0, tolerance, 'jsd estimate');
        expectClose((await evaluate(donskerVaradhan, S, P)).estimate, 0, tolerance, 'dv estimate');
        expectClose((await evaluate(nwj, S, P)).estimate, -Math.exp(-1), tolerance, 'nwj estimate');
      });

      it('jsd on a 1x2 matrix', async () => {
        // softplus(-0) = log 2, softplus(log 3) = log 4: loss = log 8, estimate = -log(2) / 2.
        const r = await evaluate(jsd, f32([[0, Math.log(3)]]), [[1, 0]]);
        expectClose(r.loss, Math.log(8), tolerance, 'loss');
        expectClose(r.terms.positive!, Math.log(2), tolerance, 'terms.positive');
        expectClose(r.terms.negative!, Math.log(4), tolerance, 'terms.negative');
        expectClose(r.estimate, -Math.log(2) / 2, tolerance, 'estimate');
      });

      it('dv and nwj average the negatives over the whole matrix', async () => {
        // Positives log 4, log 5; negatives exp: 1, 3, 1, 1 (mean 1.5).
        const S = f32([
          [Math.log(4), 0, Math.log(3)],
          [0, Math.log(5), 0],
        ]);
        const P = [
          [1, 0, 0],
          [0, 1, 0],
        ];
        const dv = await evaluate(donskerVaradhan, S, P);
        expectClose(dv.estimate, 0.5 * Math.log(20) - Math.log(1.5), tolerance, 'dv estimate');
        expectClose(dv.loss, -(0.5 * Math.log(20) - Math.log(1.5)), tolerance, 'dv loss');
        expectClose(dv.terms.negative!, Math.log(1.5), tolerance, 'dv terms.negative');
        const n = await evaluate(nwj, S, P);
        expectClose(n.estimate, 0.5 * Math.log(20) - 1.5 / Math.E, tolerance, 'nwj estimate');
        expectClose(n.terms.negative!, 1.5 / Math.E, tolerance, 'nwj terms.negative');
      });
    });

    for (const c of CASES) {
      describe(c.label, () => {
        for (const { label, mask } of MASKS) {
          it(`matches the float64 reference, ${label}`, async () => {
            const rng = new Rng(`${c.label}/${label}`);
            const S = randomScores(mask.length, mask[0]!.length, rng);
            const expected = c.ref(S, mask);
            const actual = await evaluate(c.fn, S, mask);
            expect(Object.keys(actual.terms).sort()).toEqual([...c.terms].sort());
            expectClose(actual.loss, expected.loss, tolerance, 'loss');
            expectClose(actual.estimate, expected.estimate, tolerance, 'estimate');
            for (const term of c.terms) expectClose(actual.terms[term]!, expected.terms[term]!, tolerance, `terms.${term}`);
          });

          it(`gradient of the loss matches central differences, ${label}`, async () => {
            const rng = new Rng(`grad/${c.label}/${label}`);
            const S = randomScores(mask.length, mask[0]!.length, rng, 1.5);
            const expected = numericGradient((X) => c.ref(X, mask).loss, S);
            expectMatrixClose(await gradientOfLoss(c.fn, S, mask), expected, tolerance, 'dloss/ds');
          });
        }

        it('gradient is exact where scores tie (s = 0 everywhere)', async () => {
          const mask = blockMask(2, 2);
          const S = mask.map((row) => row.map(() => 0));
          const expected = numericGradient((X) => c.ref(X, mask).loss, S);
          expectMatrixClose(await gradientOfLoss(c.fn, S, mask), expected, tolerance, 'dloss/ds at 0');
        });

        it('stays finite with scores of +-1e4 (loss, estimate, terms, gradient)', async () => {
          const mask = blockMask(3, 2);
          const S = [
            [1e4, -1e4, 1e4, 0, -1e4, -1e4],
            [-1e4, -1e4, 1e4, 1e4, 5e3, -1e4],
            [1e4, 1e4, -1e4, 1e4, -1e4, 1e4],
          ];
          const actual = await evaluate(c.fn, S, mask);
          for (const [k, v] of Object.entries({ loss: actual.loss, estimate: actual.estimate, ...actual.terms })) {
            expect(Number.isFinite(v), `${k} = ${v}`).toBe(true);
          }
          const grad = await gradientOfLoss(c.fn, S, mask);
          expect(grad.flat().every(Number.isFinite), `gradient ${JSON.stringify(grad)}`).toBe(true);
          // Wherever the float64 formula is itself finite, the large-score value must agree with it.
          const expected = c.ref(S, mask);
          if (Number.isFinite(expected.loss)) expectClose(actual.loss, expected.loss, tolerance, 'loss at 1e4');
        });

        it('does not leak tensors (forward and backward)', async () => {
          const scores = tf.tensor2d(randomScores(3, 6, new Rng(7)));
          const mask = tf.tensor2d(blockMask(3, 2));
          await expectNoLeakedTensors(
            () => {
              tf.dispose(c.fn(scores, mask) as unknown as tf.Tensor);
              tf.tidy(() => {
                tf.grad((s: tf.Tensor) => c.fn(s as tf.Tensor2D, mask).loss)(scores);
              });
            },
            { label: c.label },
          );
          tf.dispose([scores, mask]);
        });
      });
    }

    it('nwj keeps pushing a runaway negative score down', async () => {
      // exp(1e4 - 1) is not a float32; the linear tail keeps loss and gradient finite and positive.
      const S = [
        [1, 1e4],
        [1, 0],
      ];
      const P = [
        [1, 0],
        [1, 0],
      ];
      const grad = await gradientOfLoss(nwj, S, P);
      expect(grad[0]![1]!).toBeGreaterThan(0);
      expect(Number.isFinite(grad[0]![1]!)).toBe(true);
      expectClose(grad[0]![0]!, -0.5, tolerance, 'd loss / d positive');
    });

    it('dv and nwj: very negative negatives contribute nothing, exactly', async () => {
      const S = [
        [1e4, -1e4],
        [2, -1e4],
      ];
      const P = [
        [1, 0],
        [1, 0],
      ];
      expectClose((await evaluate(nwj, S, P)).estimate, (1e4 + 2) / 2, tolerance, 'nwj');
      expectClose((await evaluate(donskerVaradhan, S, P)).estimate, (1e4 + 2) / 2 + 1e4, tolerance, 'dv');
    });

    it('accepts int32 and bool masks', async () => {
      const S = randomScores(3, 6, new Rng(3));
      const P = blockMask(3, 2);
      const expected = refInfoNce(S, P).loss;
      for (const dtype of ['int32', 'bool'] as const) {
        const scores = tf.tensor2d(S);
        const mask = tf.tensor2d(P, undefined, dtype);
        const result = infoNce(scores, mask);
        expectClose(await scalarValue(result.loss), expected, tolerance, `loss with ${dtype} mask`);
        tf.dispose([scores, mask, result as unknown as tf.Tensor]);
      }
    });
  });
}
