import * as tf from '@tensorflow/tfjs';

/**
 * AMDIM's parameter-free residual shortcut: a k x k average pool with stride s (no padding),
 * then zeros appended on the channel axis when the unit widens. Pool and pad are skipped when
 * they would be identities (1x1 stride 1, same width), which is most units at depth > 1; then
 * `x` itself is returned, so call it inside a tidy and never dispose its result separately.
 */
export function avgPoolShortcut(x: tf.Tensor4D, kernelSize: number, stride: number, outChannels: number): tf.Tensor4D {
  return tf.tidy(() => {
    let y = kernelSize === 1 && stride === 1 ? x : tf.avgPool(x, kernelSize, stride, 'valid');
    const grow = outChannels - x.shape[3];
    if (grow < 0) {
      throw new Error(`avgPoolShortcut cannot narrow ${x.shape[3]} channels to ${outChannels}; use a conv shortcut`);
    }
    if (grow > 0) y = tf.pad(y, [[0, 0], [0, 0], [0, 0], [0, grow]]);
    return y;
  });
}
