import * as tf from '@tensorflow/tfjs';

/**
 * A grid [B, gh, gw, D] as gw·B sequences over its rows, [B·gw, gh, D] (sequence b·gw + j is
 * column j of image b): "predict the rows below from the rows above" is then CPC on sequences,
 * and the negatives of a prediction are the same row of every other column of every image.
 */
export function columnSequences(grid: tf.Tensor): tf.Tensor3D {
  const [batch, rows, columns, depth] = grid.shape as [number, number, number, number];
  return tf.tidy(() => tf.reshape(tf.transpose(grid, [0, 2, 1, 3]), [batch * columns, rows, depth]) as tf.Tensor3D);
}
