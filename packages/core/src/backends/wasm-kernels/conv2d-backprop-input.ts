import * as tf from '@tensorflow/tfjs';
import { convAxes, explicitPadding, isPointwise, subPixelAxis, type SubPixelAxis } from './conv-geometry';
import { col2imInputGrad } from './col2im-input-grad';
import { subPixelConvFilter } from './sub-pixel-filter';
import { simdKernelsFor } from '../wasm-simd/simd-kernels';
import { gemmInputGrad } from './gemm-input-grad';
import { gemmSubPixelInputGrad, subPixelGemm } from './gemm-sub-pixel-input-grad';
import { composeWasmKernel, type WasmKernelScope } from './wasm-kernel-scope';
import { takesWinograd, winogradInputGrad } from './winograd-conv';

type Shape4 = [number, number, number, number];

/**
 * dx for Conv2D on wasm, instead of wasm's scalar-loop Conv2DBackpropInput. Two forms, chosen
 * by their arithmetic (`gemmInputGradForm`, `inputGradForm`):
 * - sub-pixel: ONE stride-1 forward convolution of dy with a rearranged filter whose output
 *   channels are the stride phases, then a depth-to-space shuffle (see `subPixelAxis`);
 * - col2im: one matrix product and one scatter-add, for small maps where the sub-pixel
 *   convolution would mostly multiply padding.
 * With infomax's SIMD kernels both are gemm + patch walks (`gemmSubPixelInputGrad`,
 * `gemmInputGrad`); without them, compositions of XNNPACK-backed tfjs kernels
 * (`subPixelInputGrad`, `col2imInputGrad`). Unpadded 4x4 stride-2 convolutions take the
 * Winograd form with the SIMD kernels (`winogradInputGrad`).
 */
export function conv2dBackpropInputWasm({
  inputs,
  backend,
  attrs,
}: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as Shape4,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const kernels = dy.dtype === 'float32' ? simdKernelsFor(backend) : null;
  if (kernels && takesWinograd(info)) return composeWasmKernel(backend, (scope) => winogradInputGrad(scope, kernels, dy, filter, info));
  if (kernels) {
    return composeWasmKernel(backend, (scope) =>
      gemmInputGradForm(info) === 'col2im'
        ? gemmInputGrad(scope, kernels, dy, filter, info)
        : gemmSubPixelInputGrad(scope, kernels, dy, filter, info),
    );
  }
  return composeWasmKernel(backend, (scope) =>
    inputGradForm(info) === 'col2im'
      ? col2imInputGrad(scope, dy, filter, info)
      : subPixelInputGrad(scope, dy, filter, info),
  );
}

/**
 * Picks the cheaper form. The sub-pixel convolution computes every output block over every tap
 * (padding included); col2im computes only real products but pays a scatter pass over all the
 * patch gradients, worth about COL2IM_SCATTER_COST multiply-adds per element (measured).
 */
export function inputGradForm(info: tf.backend_util.Conv2DInfo): 'sub-pixel' | 'col2im' {
  const [h, w] = convAxes(info).map(subPixelAxis) as [SubPixelAxis, SubPixelAxis];
  const { batchSize: n, inChannels: cin, outChannels: cout } = info;
  const phases = info.strideHeight * info.strideWidth;
  const subPixel = n * h.blocks * w.blocks * h.taps * w.taps * phases * cin * cout;
  const patchValues = n * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * cin;
  const col2im = patchValues * (cout + COL2IM_SCATTER_COST);
  return col2im < subPixel ? 'col2im' : 'sub-pixel';
}

const COL2IM_SCATTER_COST = 32;

/**
 * The same choice for infomax's SIMD kernels, whose passes over memory are cheaper: col2im
 * costs ~8 multiply-adds per patch value it adds back, the sub-pixel form ~6 per value its
 * im2col writes and its phase store moves (fitted to 2-thread measurements: AMDIM's 4x4 stride-2
 * 32->64 gradient runs 0.92x in the col2im form, its 2x2 stride-2 64->128 one ties, 3x3 'same'
 * stride-1 ties, 3x3 stride-2 'same' and 4x4 stride-2 'same' run 0.5-0.6x in the col2im form).
 * A pointwise conv's two forms are the same product; gemmInputGrad's is the plainer one.
 */
export function gemmInputGradForm(info: tf.backend_util.Conv2DInfo): 'sub-pixel' | 'col2im' {
  if (isPointwise(info)) return 'col2im';
  const [h, w] = convAxes(info).map(subPixelAxis) as [SubPixelAxis, SubPixelAxis];
  const plan = subPixelGemm(info, h, w);
  const passes = (plan.taps ? plan.rows * plan.depth : 0) + (plan.phases ? plan.rows * plan.cols : 0);
  const subPixel = plan.rows * plan.depth * plan.cols + SUB_PIXEL_PASS_COST * passes;
  const patchValues = info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels;
  const col2im = patchValues * (info.outChannels + SIMD_COL2IM_SCATTER_COST);
  return col2im <= subPixel ? 'col2im' : 'sub-pixel';
}

const SIMD_COL2IM_SCATTER_COST = 8;
const SUB_PIXEL_PASS_COST = 6;

export function subPixelInputGrad(
  scope: WasmKernelScope,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const [h, w] = convAxes(info).map(subPixelAxis) as [SubPixelAxis, SubPixelAxis];
  const g = subPixelConvFilter(scope.read(filter), filter.shape, h, w, info.strideHeight, info.strideWidth);
  const phases = scope.run(
    'Conv2D',
    { x: cropDy(scope, dy, h, w), filter: scope.upload(g.shape, 'float32', g.values) },
    {
      strides: [1, 1],
      dilations: [1, 1],
      pad: explicitPadding(h.padBefore, h.padAfter, w.padBefore, w.padAfter),
      dataFormat: 'NHWC',
    },
  );
  return interleavePhases(scope, phases, info.batchSize, h, w, info.strideHeight, info.strideWidth, info.inShape);
}

/** The dy rows and columns the sub-pixel convolution reads (all of dy unless padding is odd). */
export function cropDy(scope: WasmKernelScope, dy: tf.TensorInfo, h: SubPixelAxis, w: SubPixelAxis): tf.TensorInfo {
  const [n = 0, oh = 0, ow = 0, c = 0] = dy.shape;
  if (h.dyBegin === 0 && h.dyEnd === oh && w.dyBegin === 0 && w.dyEnd === ow) return dy;
  return scope.slice(dy, [0, h.dyBegin, w.dyBegin, 0], [n, h.dyEnd - h.dyBegin, w.dyEnd - w.dyBegin, c]);
}

/**
 * [N, I, J, sH * sW * C] with channels ordered (r, q, c) -> [N, I * sH, J * sW, C], cropped to
 * the input's size when it is not a multiple of the stride.
 */
export function interleavePhases(
  scope: WasmKernelScope,
  phases: tf.TensorInfo,
  batch: number,
  h: SubPixelAxis,
  w: SubPixelAxis,
  strideH: number,
  strideW: number,
  inShape: readonly number[],
): tf.TensorInfo {
  const [, inH = 0, inW = 0, c = 0] = inShape;
  let full = phases;
  if (strideH !== 1 || strideW !== 1) {
    const split = scope.reshape(phases, [batch, h.blocks, w.blocks, strideH, strideW, c]);
    const moved = scope.transpose(split, [0, 1, 3, 2, 4, 5]);
    full = scope.reshape(moved, [batch, h.blocks * strideH, w.blocks * strideW, c]);
  }
  if (h.blocks * strideH === inH && w.blocks * strideW === inW) return full;
  return scope.slice(full, [0, 0, 0, 0], [batch, inH, inW, c]);
}
