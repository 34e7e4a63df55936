import * as tf from '@tensorflow/tfjs';
import { assertSameShape, type CriticOutput } from '@infomax/core';

/**
 * A critic's output as the [N, M] matrices a bound takes. Critics may return a batch of score
 * matrices [..., N, M]; their rows are stacked, which keeps every row's positives and negatives.
 */
export function scoreMatrix(output: CriticOutput, label: string): { scores: tf.Tensor2D; positiveMask: tf.Tensor2D } {
  const { scores, positiveMask } = output;
  assertSameShape(scores, positiveMask, `${label} scores`, 'positiveMask');
  if (scores.rank < 2) throw new Error(`${label} must give scores of rank >= 2 ([N, M]), got [${scores.shape.join(', ')}]`);
  if (scores.rank === 2) return { scores: scores as tf.Tensor2D, positiveMask: positiveMask as tf.Tensor2D };
  const columns = scores.shape[scores.rank - 1]!;
  return {
    scores: tf.reshape(scores, [-1, columns]) as tf.Tensor2D,
    positiveMask: tf.reshape(positiveMask, [-1, columns]) as tf.Tensor2D,
  };
}
