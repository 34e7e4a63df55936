import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE_KERNEL, adamUpdateWasm } from './adam-update';
import { RELU_GRAD_KERNEL, reluGradWasm } from './relu-grad';
import { avgPoolGradWasm } from './avg-pool-grad';
import { avgPoolWasm } from './avg-pool';
import {
  BATCH_NORM_APPLY_KERNEL,
  BATCH_NORM_GRAD_KERNEL,
  BATCH_NORM_STATISTICS_KERNEL,
  batchNormApplyWasm,
  batchNormGradWasm,
  batchNormStatisticsWasm,
  registerBatchNormStatisticsGradient,
} from './batch-norm-passes';
import { batchMatMulWasm } from './batch-mat-mul';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter';
import { conv2dBackpropInputWasm } from './conv2d-backprop-input';
import { depthwiseConv2dBackpropFilterWasm } from './depthwise-conv2d-backprop-filter';
import { depthwiseConv2dBackpropInputWasm } from './depthwise-conv2d-backprop-input';
import { fusedMatMulWasm } from './fused-mat-mul';
import { simdKernelsFor } from '../wasm-simd/simd-kernels';
import { castWasm, identityWasm } from './shared-identity';
import { tileWasm } from './tile';
import { leadingAxesReductionWasm } from './leading-axes-reduction';
import { gatherWasm } from './gather';
import { gemmConv2dWasm } from './gemm-conv2d';
import { sliceWasm, splitVWasm, stridedSliceWasm, unpackWasm } from './slice';
import { unsortedSegmentSumWasm } from './unsorted-segment-sum';
import { addWasm } from './add';
import { reluWasm } from './relu';
import { padWasm } from './pad';

// Marks our kernel functions with a process-wide symbol rather than a module-local set, so that
// a second copy of this module (e.g. the /node bundle's) recognises them and stays idempotent.
const INFOMAX_KERNEL = Symbol.for('@infomax/core/wasm-training-kernel');

function markOurs(kernelFunc: tf.KernelFunc): tf.KernelFunc {
  return Object.assign(kernelFunc, { [INFOMAX_KERNEL]: true });
}

function isOurs(kernelFunc: tf.KernelFunc): boolean {
  return (kernelFunc as { [INFOMAX_KERNEL]?: boolean })[INFOMAX_KERNEL] === true;
}

/** The kernels tfjs 4.22's wasm backend lacks (tensorflow/tfjs#8474), as infomax composes them. */
const MISSING_KERNELS: readonly tf.KernelConfig[] = (
  [
    ['Conv2DBackpropFilter', conv2dBackpropFilterWasm],
    ['DepthwiseConv2dNativeBackpropFilter', depthwiseConv2dBackpropFilterWasm],
    ['DepthwiseConv2dNativeBackpropInput', depthwiseConv2dBackpropInputWasm],
    ['UnsortedSegmentSum', unsortedSegmentSumWasm],
    // Not a tfjs kernel: infomax's fused Adam update (see training/adam.ts).
    [ADAM_UPDATE_KERNEL, adamUpdateWasm],
    // Not a tfjs kernel: the one-pass Relu gradient (see relu-gradient.ts).
    [RELU_GRAD_KERNEL, reluGradWasm],
    // Not tfjs kernels: batch norm's SIMD passes (see batch-norm-passes.ts).
    [BATCH_NORM_STATISTICS_KERNEL, batchNormStatisticsWasm],
    [BATCH_NORM_APPLY_KERNEL, batchNormApplyWasm],
    [BATCH_NORM_GRAD_KERNEL, batchNormGradWasm],
  ] as const
).map(([kernelName, impl]) => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: markOurs((args) => impl(args)),
}));

/** Stock wasm kernels that infomax wraps with faster paths (the stock one stays the fallback). */
const REPLACED_KERNELS: readonly [string, (stock: tf.KernelConfig) => tf.KernelFunc][] = [
  [
    'Conv2DBackpropInput',
    (stock) => (args) => {
      const { dataFormat } = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
      if (dataFormat === 'NCHW') return stock.kernelFunc(args);
      return conv2dBackpropInputWasm(args);
    },
  ],
  [
    'BatchMatMul',
    (stock) => (args) =>
      batchMatMulWasm(
        args,
        (scope, a, b) => scope.call(stock.kernelFunc, { a, b }, { transposeA: false, transposeB: false }, 'BatchMatMul'),
        stock.kernelFunc,
        simdKernelsFor(args.backend),
      ),
  ],
  ['_FusedMatMul', (stock) => (args) => fusedMatMulWasm(args, stock.kernelFunc)],
  ['Slice', (stock) => (args) => sliceWasm(args, stock.kernelFunc)],
  ['SplitV', (stock) => (args) => splitVWasm(args, stock.kernelFunc)],
  ['Unpack', (stock) => (args) => unpackWasm(args, stock.kernelFunc)],
  ['StridedSlice', (stock) => (args) => stridedSliceWasm(args, stock.kernelFunc)],
  ['Identity', (stock) => (args) => identityWasm(args, stock.kernelFunc)],
  ['Cast', (stock) => (args) => castWasm(args, stock.kernelFunc)],
  ['AvgPool', (stock) => (args) => avgPoolWasm(args, stock.kernelFunc)],
  ['AvgPoolGrad', (stock) => (args) => avgPoolGradWasm(args, stock.kernelFunc)],
  ['Tile', (stock) => (args) => tileWasm(args, stock.kernelFunc)],
  ['Sum', (stock) => (args) => leadingAxesReductionWasm(args, stock.kernelFunc, false)],
  ['Mean', (stock) => (args) => leadingAxesReductionWasm(args, stock.kernelFunc, true)],
  ['Conv2D', (stock) => (args) => gemmConv2dWasm(args, stock.kernelFunc)],
  ['GatherV2', (stock) => (args) => gatherWasm(args, stock.kernelFunc)],
  ['Add', (stock) => (args) => addWasm(args, stock.kernelFunc)],
  ['Relu', (stock) => (args) => reluWasm(args, stock.kernelFunc)],
  ['PadV2', (stock) => (args) => padWasm(args, stock.kernelFunc)],
];

/**
 * Registers, for the wasm backend, the kernels that training convolutions needs and tfjs 4.22
 * lacks (tensorflow/tfjs#8474), and wraps stock kernels that are slow on training workloads
 * (REPLACED_KERNELS: scalar-loop matMuls and input gradients, whole-tensor copies in slicing,
 * per-element broadcasts...), each falling back to the stock kernel outside the cases it speeds
 * up. The matMul / convolution / reduction paths use infomax's SIMD kernels when
 * `loadSimdKernels` has run for the backend (`initBackend` does it), else compositions of
 * XNNPACK-backed tfjs kernels. Idempotent, and safe to call before or after
 * '@tensorflow/tfjs-backend-wasm' is loaded; call it again after loading that package to wrap
 * the stock kernels, which must be registered first.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of MISSING_KERNELS) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current === undefined) tf.registerKernel(config);
    // A kernel someone else registered (e.g. a later tfjs release) is left alone.
  }
  registerBatchNormStatisticsGradient();
  replaceStockKernels();
}

/** Reports which of the kernels above are the infomax compositions right now. */
export function wasmTrainingKernelStatus(): Record<string, 'infomax' | 'stock' | 'missing'> {
  const status: Record<string, 'infomax' | 'stock' | 'missing'> = {};
  for (const name of [...MISSING_KERNELS.map((k) => k.kernelName), ...REPLACED_KERNELS.map(([k]) => k)]) {
    const kernel = tf.getKernel(name, 'wasm');
    status[name] = kernel === undefined ? 'missing' : isOurs(kernel.kernelFunc) ? 'infomax' : 'stock';
  }
  return status;
}

function replaceStockKernels(): void {
  for (const [kernelName, wrap] of REPLACED_KERNELS) {
    const stock = tf.getKernel(kernelName, 'wasm');
    if (stock === undefined || isOurs(stock.kernelFunc)) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: markOurs(wrap(stock)),
      // Stock kernels bind their wasm functions in setup; keep that working for the fallbacks.
      ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
      ...(stock.disposeFunc ? { disposeFunc: stock.disposeFunc } : {}),
    });
  }
}
