import * as tf from '@tensorflow/tfjs';
import { cropDy } from './conv2d-backprop-input';
import { convAxes, explicitPadding, subPixelAxis, type SubPixelAxis } from './conv-geometry';
import { subPixelDepthwiseFilter } from './sub-pixel-filter';
import { composeWasmKernel } from './wasm-kernel-scope';

type Shape4 = [number, number, number, number];

/**
 * dx for DepthwiseConv2dNative on wasm: the sub-pixel form of the input gradient (see
 * `subPixelAxis`) as one stride-1 depthwise convolution of dy whose multiplier indexes the
 * stride phases; channel multipliers > 1 are then summed, and the phases shuffled onto x's grid.
 */
export function depthwiseConv2dBackpropInputWasm({
  inputs,
  backend,
  attrs,
}: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } =
    attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as Shape4,
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    true,
    'channelsLast',
  );
  const [n, c, m] = [info.batchSize, info.inChannels, filter.shape[3] ?? 1];
  const [sH, sW] = [info.strideHeight, info.strideWidth];
  return composeWasmKernel(backend, (scope) => {
    const [h, w] = convAxes(info).map(subPixelAxis) as [SubPixelAxis, SubPixelAxis];
    const g = subPixelDepthwiseFilter(scope.read(filter), filter.shape, h, w, sH, sW);
    const phasesPerChannel = scope.run(
      'DepthwiseConv2dNative',
      { x: cropDy(scope, dy, h, w), filter: scope.upload(g.shape, 'float32', g.values) },
      {
        strides: [1, 1],
        dilations: [1, 1],
        pad: explicitPadding(h.padBefore, h.padAfter, w.padBefore, w.padAfter),
      },
    );
    // Channels are ordered (c, m, phase): sum out the multiplier.
    let phases = phasesPerChannel;
    if (m > 1) {
      const split = scope.reshape(phasesPerChannel, [n * h.blocks * w.blocks * c, m, sH * sW]);
      phases = scope.run('Sum', { x: split }, { axis: [1], keepDims: false });
    }
    let full: tf.TensorInfo;
    if (sH * sW > 1) {
      const split = scope.reshape(phases, [n, h.blocks, w.blocks, c, sH, sW]);
      const moved = scope.transpose(split, [0, 1, 4, 2, 5, 3]);
      full = scope.reshape(moved, [n, h.blocks * sH, w.blocks * sW, c]);
    } else {
      full = scope.reshape(phases, [n, h.blocks, w.blocks, c]);
    }
    if (h.blocks * sH === info.inHeight && w.blocks * sW === info.inWidth) return full;
    return scope.slice(full, [0, 0, 0, 0], info.inShape);
  });
}
