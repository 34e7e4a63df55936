import * as tf from '@tensorflow/tfjs';
import { ShapeError, type CriticOutput } from '@infomax/core';
import { locationLayout } from './layout/location-layout';
import { blockMask } from '@infomax/core';

export interface DotProductScoresOptions {
  /** Divide every score by sqrt(D) (AMDIM), so their scale does not grow with the embedding size. */
  scaleBySqrtDim?: boolean;
}

/**
 * Every antecedent location of every image against every consequent location of every image.
 *
 * antecedents [B, D] | [B, La, D] | [B, H, W, D] and consequents likewise (La, Lc locations per
 * image; a vector is one location) give `scores` [B*La, B*Lc] with row b*La + i = location i of
 * image b and column b'*Lc + j = location j of image b', and the block mask "same image" as
 * `positiveMask`. Special cases: [B, D] vs [B, D] -> [B, B] with a diagonal mask; [B, D] vs
 * [B, L, D] -> [B, B*L] with L positives per row (AMDIM, DIM-local).
 */
export function dotProductScores(
  antecedents: tf.Tensor,
  consequents: tf.Tensor,
  options: DotProductScoresOptions = {},
): CriticOutput {
  const a = locationLayout(antecedents, 'antecedents');
  const c = locationLayout(consequents, 'consequents');
  if (a.batch !== c.batch || a.channels !== c.channels) {
    throw new ShapeError(
      `antecedents [${antecedents.shape.join(', ')}] and consequents [${consequents.shape.join(', ')}] ` +
        `must share the batch size (first axis) and the embedding size (last axis)`,
    );
  }
  return tf.tidy(() => {
    let u = tf.reshape(antecedents, [a.batch * a.locations, a.channels]) as tf.Tensor2D;
    const v = tf.reshape(consequents, [c.batch * c.locations, c.channels]) as tf.Tensor2D;
    // (u / sqrt(D)) . v when u is the smaller tensor (AMDIM: [B, D] against [B, B*L] scores):
    // fewer elements to scale forward and backward.
    const scaleSources = options.scaleBySqrtDim === true && u.size <= a.batch * a.locations * c.batch * c.locations;
    if (scaleSources) u = tf.div(u, Math.sqrt(a.channels));
    let scores: tf.Tensor = tf.matMul(u, v, false, true);
    if (options.scaleBySqrtDim && !scaleSources) scores = tf.div(scores, Math.sqrt(a.channels));
    const positiveMask = blockMask(a.batch * a.locations, c.batch * c.locations, a.locations, c.locations);
    return { scores, positiveMask };
  });
}
