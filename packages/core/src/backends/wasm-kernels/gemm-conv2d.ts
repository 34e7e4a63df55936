import * as tf from '@tensorflow/tfjs';
import { blockedGemm } from '../wasm-simd/blocked-gemm';
import { simdKernelsFor, type SimdKernels } from '../wasm-simd/simd-kernels';
import { convCopyBytes, heapConv2d } from '../wasm-threads/heap-ops';
import { threadedKernelsFor } from '../wasm-threads/wasm-gemm-threads';
import { isPointwise } from './conv-geometry';
import { convGemm, convMacs, walkPatches } from './conv-gemm';
import { poolOperation } from './pool-operation';
import { composeWasmKernel, type WasmKernelScope } from './wasm-kernel-scope';
import { takesWinograd, winogradConv2d } from './winograd-conv';

type Shape4 = [number, number, number, number];

/**
 * Conv2D (NHWC) with infomax's SIMD kernels: im2col of x into [N*OH*OW, KH*KW*Cin], then one
 * gemm with the HWIO filter read in place as [KH*KW*Cin, Cout], which writes the NHWC output
 * directly. A 1x1, stride-1 conv skips the im2col. XNNPACK's convolution packs its filter on
 * every call (training changes it every step) but needs no patch matrix, so it keeps the
 * convolutions whose patch matrix would cost more to write than the filter to pack (see
 * `preferGemmConv`). Other layouts keep the stock kernel too. Unpadded 4x4 stride-2
 * convolutions go to the Winograd form instead (`winogradConv2d`: 9/16 of the multiply-adds).
 */
export function gemmConv2dWasm(args: Parameters<tf.KernelFunc>[0], stock: tf.KernelFunc): tf.TensorInfo {
  const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, dataFormat } = args.attrs as unknown as tf.Conv2DAttrs;
  const kernels = x.dtype === 'float32' ? simdKernelsFor(args.backend) : null;
  if (!kernels || (dataFormat !== undefined && dataFormat !== 'NHWC')) return stock(args) as tf.TensorInfo;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as Shape4,
    filter.shape as Shape4,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  if (takesWinograd(info)) return composeWasmKernel(args.backend, (scope) => winogradConv2d(scope, kernels, x, filter, info));
  if (!preferGemmConv(info) && !threadedConv(args.backend, info)) return stock(args) as tf.TensorInfo;
  return composeWasmKernel(args.backend, (scope) => gemmConv2d(scope, kernels, x, filter, info));
}

/**
 * im2col writes P x KH*KW*Cin values (~1.5 ns each); XNNPACK packs KH*KW*Cin x Cout filter
 * values (~10 ns each, measured), so the gemm form wins when P < ~6.7 Cout: the small maps of
 * the deeper layers (AMDIM's 7x7 and 5x5 3x3 convs, DIM's last conv), and 1x1 convs always.
 */
export function preferGemmConv(info: tf.backend_util.Conv2DInfo): boolean {
  if (isPointwise(info)) return true;
  const patches = info.batchSize * info.outHeight * info.outWidth;
  return patches * IM2COL_NS_PER_VALUE < info.outChannels * PACK_NS_PER_VALUE;
}

/**
 * Whether this convolution runs on the helper threads (`setWasmGemmThreads`): then im2col and
 * gemm are split over them while XNNPACK's convolution runs on one thread only, so the gemm
 * form wins for any convolution big enough to be threaded.
 */
export function threadedConv(backend: unknown, info: tf.backend_util.Conv2DInfo): boolean {
  return threadedKernelsFor(backend, convMacs(info), convCopyBytes(info)) !== null;
}

const IM2COL_NS_PER_VALUE = 1.5;
const PACK_NS_PER_VALUE = 10;

export function gemmConv2d(
  scope: WasmKernelScope,
  kernels: SimdKernels,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { patches, patchSize, pointwise, geometry, pool } = convGemm(scope, info);
  const cout = info.outChannels;
  if (pool) {
    const result = scope.output(info.outShape);
    heapConv2d(poolOperation(scope, pool), { x: scope.offset(x), filter: scope.offset(filter), out: scope.offset(result) }, info, pointwise);
    return result;
  }
  const cols = pointwise ? x : scope.output([patches, patchSize]);
  const out = scope.output(info.outShape);
  const [pcols, pf, pout] = [scope.offset(cols), scope.offset(filter), scope.offset(out)];
  if (!pointwise) walkPatches(kernels.im2col, scope.offset(x), pcols, geometry);
  blockedGemm(kernels, { a: pcols, sam: patchSize * 4, sak: 4, b: pf, sbk: cout * 4, c: pout, scm: cout * 4 }, patches, cout, patchSize);
  return out;
}
