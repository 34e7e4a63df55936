import * as tf from '@tensorflow/tfjs';
import {
  assertChannelsLast,
  convAxes,
  explicitPadding,
  filterGradAxis,
  isPointwise,
  type FilterGradAxis,
} from './conv-geometry';
import { simdKernelsFor } from '../wasm-simd/simd-kernels';
import { im2colFilterGrad } from './im2col-filter-grad';
import { composeWasmKernel, type WasmKernelScope } from './wasm-kernel-scope';
import { takesWinograd, winogradFilterGrad } from './winograd-conv';

type Shape4 = [number, number, number, number];

/**
 * dF for Conv2D on wasm, as ONE forward convolution that XNNPACK runs at full speed: the batch
 * becomes the reduction axis. x is transposed to [Cin, H, W, N] (Cin images of N channels), dy to
 * [OH, OW, N, Cout] (an HWIO filter), and a conv with the forward stride as its dilation yields
 * [Cin, KH, KW, Cout]. A 1x1, stride-1, unpadded conv is a plain matrix product instead (2-6x
 * faster than the conv form on the AMDIM 1x1 shapes, measured). With infomax's SIMD kernels: the
 * patch-matrix gemm (`im2colFilterGrad`), or the Winograd form for unpadded 4x4 stride-2
 * convolutions (`winogradFilterGrad`).
 */
export function conv2dBackpropFilterWasm({
  inputs,
  backend,
  attrs,
}: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  assertChannelsLast('Conv2DBackpropFilter', dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as Shape4,
    filterShape as Shape4,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const kernels = x.dtype === 'float32' ? simdKernelsFor(backend) : null;
  return composeWasmKernel(backend, (scope) => {
    if (kernels && takesWinograd(info)) return winogradFilterGrad(scope, kernels, x, dy, info);
    if (kernels) return im2colFilterGrad(scope, kernels, x, dy, info);
    return isPointwise(info) ? pointwiseFilterGrad(scope, x, dy, info) : transposedFilterGrad(scope, x, dy, info);
  });
}

/** dF of a 1x1, stride-1, unpadded conv: x^T dy over all N*H*W positions. */
export function pointwiseFilterGrad(
  scope: WasmKernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const rows = info.batchSize * info.inHeight * info.inWidth;
  // wasm's BatchMatMul is XNNPACK only without transposeA/B (with them it is a scalar loop,
  // ~10x slower), so x^T is materialised first.
  const xT = scope.transpose(scope.reshape(x, [rows, info.inChannels]), [1, 0]);
  const a = scope.reshape(xT, [1, info.inChannels, rows]);
  const b = scope.reshape(dy, [1, rows, info.outChannels]);
  const product = scope.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  return scope.reshape(product, info.filterShape);
}

/**
 * [N, H, W, C] -> [C, H, W, N]. wasm's 4-D transpose runs this permutation at about half the
 * speed of a 2-D transpose followed by a block-contiguous 3-D one (measured), so it takes two.
 */
export function batchToChannels(scope: WasmKernelScope, x: tf.TensorInfo): tf.TensorInfo {
  const [n = 0, h = 0, w = 0, c = 0] = x.shape;
  const pixelsChannelsBatch = scope.transpose(scope.reshape(x, [n, h * w * c]), [1, 0]);
  const channelsPixelsBatch = scope.transpose(scope.reshape(pixelsChannelsBatch, [h * w, c, n]), [1, 0, 2]);
  return scope.reshape(channelsPixelsBatch, [c, h, w, n]);
}

/** dF as a forward conv of the transposed problem (the general case). */
export function transposedFilterGrad(
  scope: WasmKernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const [h, w] = convAxes(info).map(filterGradAxis) as [FilterGradAxis, FilterGradAxis];
  let images = batchToChannels(scope, x);
  if (h.keep < info.inHeight || w.keep < info.inWidth) {
    images = scope.slice(images, [0, 0, 0, 0], [info.inChannels, h.keep, w.keep, info.batchSize]);
  }
  const dyFilter = scope.transpose(dy, [1, 2, 0, 3]);
  const grad = scope.run(
    'Conv2D',
    { x: images, filter: dyFilter },
    {
      strides: [info.dilationHeight, info.dilationWidth],
      dilations: [info.strideHeight, info.strideWidth],
      pad: explicitPadding(h.padBefore, h.padAfter, w.padBefore, w.padAfter),
      dataFormat: 'NHWC',
    },
  );
  return scope.transpose(grad, [1, 2, 0, 3]);
}
