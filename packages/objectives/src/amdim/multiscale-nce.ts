import * as tf from '@tensorflow/tfjs';
import { assertShapes, Rng, sameImageBlockMask, type BoundResult } from '@infomax/core';
import { infoNce } from '@infomax/bounds';
import { asBoundFunction, type BoundLike } from '../shared/bound-function';

import { drawLocations, selectLocations } from './select-locations';

/** One view's embeddings: global r1 and the two local maps, NHWC with D = n_rkhs channels. */
export interface AmdimEmbeddings {
  r1: tf.Tensor4D;
  r5: tf.Tensor4D;
  r7: tf.Tensor4D;
}

/** Scores sources [B, D] against every location of every target map [B, L, D] -> [B, B*L]. */
export type AmdimScoreFunction = (sources: tf.Tensor2D, targets: tf.Tensor3D) => tf.Tensor2D;

export interface AmdimMultiNceOptions {
  /** Fix the 5x5 source location of each image (flat row-major index), per view; for tests. */
  sourceLocations?: { a: number[]; b: number[] };
  /** Stream for the random source locations when `sourceLocations` is not given. */
  rng?: Rng;
  /** The bound; default InfoNCE with AMDIM's clip 20 and l2 0.05. */
  bound?: BoundLike;
  /**
   * How sources are scored against the 5x5 and 7x7 targets; default u . v / sqrt(D). The AMDIM
   * objective passes its critics' `scoreEmbeddings`, so a critic's own scoring (a temperature,
   * a bilinear form) is used.
   */
  scorers?: { r5?: AmdimScoreFunction; r7?: AmdimScoreFunction };
}

export interface AmdimMultiNceResult {
  loss: tf.Scalar;
  terms: { nce1t5: tf.Scalar; nce1t7: tf.Scalar; nce5t5: tf.Scalar; regularizer: tf.Scalar };
  /** Bound estimates per pair, each the mean of both directions. */
  estimates: { e1t5: tf.Scalar; e1t7: tf.Scalar; e5t5: tf.Scalar };
}

const amdimInfoNce = (s: tf.Tensor2D, m: tf.Tensor2D): BoundResult => infoNce(s, m, { clip: 20, l2: 0.05 });

/**
 * AMDIM's multiscale objective (Bachman et al. 2019): sources u_n (r1, or r5 at one random
 * location per image) against every location of every image's partner-view target map,
 * s(n, m, l) = u_n . v(m, l) / sqrt(D), positives m = n. Pairs 1->5, 1->7, 5->5, each averaged
 * over both directions; total = sum of the three pair losses + half the sum of the six
 * regularisers (the mean regulariser per pair).
 */
export function amdimMultiNce(a: AmdimEmbeddings, b: AmdimEmbeddings, options: AmdimMultiNceOptions = {}): AmdimMultiNceResult {
  const dims = assertShapes({
    'a.r1': [a.r1, ['B', 1, 1, 'D']],
    'a.r5': [a.r5, ['B', 5, 5, 'D']],
    'a.r7': [a.r7, ['B', 7, 7, 'D']],
    'b.r1': [b.r1, ['B', 1, 1, 'D']],
    'b.r5': [b.r5, ['B', 5, 5, 'D']],
    'b.r7': [b.r7, ['B', 7, 7, 'D']],
  });
  const batch = dims.B!;
  const depth = dims.D!;
  if (batch < 2) throw new Error(`amdimMultiNce needs a batch of at least 2 images (negatives come from other images), got ${batch}`);
  const bound = asBoundFunction(options.bound ?? amdimInfoNce);
  const locations =
    options.sourceLocations ??
    (() => {
      const rng = options.rng ?? new Rng(0);
      return { a: drawLocations(batch, 25, rng), b: drawLocations(batch, 25, rng) };
    })();

  return tf.tidy(() => {
    const flat = (t: tf.Tensor4D) => tf.reshape(t, [batch, -1, depth]) as tf.Tensor3D;
    const g = { a: tf.reshape(a.r1, [batch, depth]) as tf.Tensor2D, b: tf.reshape(b.r1, [batch, depth]) as tf.Tensor2D };
    const m5 = { a: flat(a.r5), b: flat(b.r5) };
    const m7 = { a: flat(a.r7), b: flat(b.r7) };
    const s5 = { a: selectLocations(m5.a, locations.a), b: selectLocations(m5.b, locations.b) };
    const masks = new Map<number, tf.Tensor2D>();
    const maskFor = (l: number) => masks.get(l) ?? masks.set(l, sameImageBlockMask(batch, l)).get(l)!;
    const scale = 1 / Math.sqrt(depth);
    // (u / sqrt(D)) . v: the scale on the [B, D] sources, not on the [B, B*L] scores (fewer elements).
    const scaledDot: AmdimScoreFunction = (source, target) =>
      tf.matMul(tf.mul(source, scale), tf.reshape(target, [batch * target.shape[1], depth]), false, true) as tf.Tensor2D;
    const score = (target: tf.Tensor3D) =>
      (target.shape[1] === 25 ? options.scorers?.r5 : options.scorers?.r7) ?? scaledDot;

    const direction = (source: tf.Tensor2D, target: tf.Tensor3D) => {
      const l = target.shape[1];
      const scores = score(target)(source, target);
      if (scores.shape[0] !== batch || scores.shape[1] !== batch * l) {
        throw new Error(`an AMDIM scorer must return [B, B*L] = [${batch}, ${batch * l}] scores, got [${scores.shape.join(', ')}]`);
      }
      const r = bound(scores, maskFor(l));
      const regularizer = r.terms.regularizer ?? tf.scalar(0);
      return { nce: tf.sub(r.loss, regularizer), regularizer, estimate: r.estimate };
    };
    const pair = (x: ReturnType<typeof direction>, y: ReturnType<typeof direction>) => ({
      nce: tf.mul(0.5, tf.add(x.nce, y.nce)) as tf.Scalar,
      regularizer: tf.mul(0.5, tf.add(x.regularizer, y.regularizer)) as tf.Scalar,
      estimate: tf.mul(0.5, tf.add(x.estimate, y.estimate)) as tf.Scalar,
    });
    const p1t5 = pair(direction(g.a, m5.b), direction(g.b, m5.a));
    const p1t7 = pair(direction(g.a, m7.b), direction(g.b, m7.a));
    const p5t5 = pair(direction(s5.a, m5.b), direction(s5.b, m5.a));
    const regularizer = tf.addN([p1t5.regularizer, p1t7.regularizer, p5t5.regularizer]) as tf.Scalar;
    const loss = tf.addN([p1t5.nce, p1t7.nce, p5t5.nce, regularizer]) as tf.Scalar;
    return {
      loss,
      terms: { nce1t5: p1t5.nce, nce1t7: p1t7.nce, nce5t5: p5t5.nce, regularizer },
      estimates: { e1t5: p1t5.estimate, e1t7: p1t7.estimate, e5t5: p5t5.estimate },
    };
  });
}
