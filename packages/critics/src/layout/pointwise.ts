import * as tf from '@tensorflow/tfjs';
import { assertShape, type Conv2d } from '@infomax/core';

/**
 * Applies a 1x1 `Conv2d` to the last axis of a tensor of any rank >= 2 ([B, C], [B, L, C],
 * [B, H, W, C]) as one matmul. The variables stay a conv's ([1, 1, C, U] kernel), but a matmul is
 * faster than conv2d on the cpu backend, its gradient needs no Conv2DBackpropFilter (missing on
 * wasm), and vectors need no fake spatial axes.
 */
export function applyPointwise(conv: Conv2d, x: tf.Tensor, label: string): tf.Tensor {
  const { inChannels, filters, kernelSize } = conv.options;
  if (kernelSize !== 1) {
    throw new Error(`applyPointwise: ${label} needs a 1x1 convolution, got kernel size ${kernelSize}`);
  }
  if (x.rank < 2 || x.shape[x.rank - 1] !== inChannels) {
    assertShape(x, [...Array(Math.max(1, x.rank - 1)).fill(null), inChannels], label);
  }
  return tf.tidy(() => {
    const flat = tf.reshape(x, [-1, inChannels]) as tf.Tensor2D;
    let y: tf.Tensor = tf.matMul(flat, tf.reshape(conv.kernel, [inChannels, filters]) as tf.Tensor2D);
    if (conv.bias) y = tf.add(y, conv.bias);
    return tf.reshape(y, [...x.shape.slice(0, -1), filters]);
  });
}
