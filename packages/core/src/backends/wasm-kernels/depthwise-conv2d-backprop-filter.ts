import * as tf from '@tensorflow/tfjs';
import { convAxes, explicitPadding, filterGradAxis, type FilterGradAxis } from './conv-geometry';
import { composeWasmKernel } from './wasm-kernel-scope';

type Shape4 = [number, number, number, number];

/**
 * dF for DepthwiseConv2dNative on wasm as one forward depthwise convolution: x becomes a single
 * image [1, H, W, N*C] and dy the depthwise filter [OH, OW, N*C, M], so every (example, channel)
 * pair is its own depthwise channel; the forward stride becomes the dilation (and the forward
 * dilation the stride). Summing the N partial filters gives [KH, KW, C, M]. Only the useful
 * products are computed, unlike a dense conv with the batch as channels (which would also form
 * every cross-channel product).
 */
export function depthwiseConv2dBackpropFilterWasm({
  inputs,
  backend,
  attrs,
}: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as Shape4,
    filterShape,
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    true,
    'channelsLast',
  );
  const [n, c, m] = [info.batchSize, info.inChannels, filterShape[3]];
  return composeWasmKernel(backend, (scope) => {
    const [h, w] = convAxes(info).map(filterGradAxis) as [FilterGradAxis, FilterGradAxis];
    let image = scope.transpose(x, [1, 2, 0, 3]);
    if (h.keep < info.inHeight || w.keep < info.inWidth) {
      image = scope.slice(image, [0, 0, 0, 0], [h.keep, w.keep, n, c]);
    }
    image = scope.reshape(image, [1, h.keep, w.keep, n * c]);
    const dyFilter = scope.reshape(scope.transpose(dy, [1, 2, 0, 3]), [info.outHeight, info.outWidth, n * c, m]);
    const perExample = scope.run(
      'DepthwiseConv2dNative',
      { x: image, filter: dyFilter },
      {
        strides: [info.dilationHeight, info.dilationWidth],
        dilations: [info.strideHeight, info.strideWidth],
        pad: explicitPadding(h.padBefore, h.padAfter, w.padBefore, w.padAfter),
      },
    );
    const taps = info.filterHeight * info.filterWidth;
    const summed = scope.run('Sum', { x: scope.reshape(perExample, [taps, n, c * m]) }, { axis: [1], keepDims: false });
    return scope.reshape(summed, filterShape);
  });
}
