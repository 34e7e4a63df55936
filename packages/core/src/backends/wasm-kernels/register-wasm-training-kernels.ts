import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter';
import { conv2dBackpropInputWasm } from './conv2d-backprop-input';
import { depthwiseConv2dBackpropFilterWasm } from './depthwise-conv2d-backprop-filter';
import { depthwiseConv2dBackpropInputWasm } from './depthwise-conv2d-backprop-input';
import { unsortedSegmentSumWasm } from './unsorted-segment-sum';

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
  ] as const
).map(([kernelName, impl]) => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: markOurs((args) => impl(args)),
}));


/**
 * Registers, for the wasm backend, the kernels that training convolutions needs and tfjs 4.22
 * lacks (tensorflow/tfjs#8474), and swaps wasm's scalar-loop Conv2DBackpropInput for a faster
 * composition (NCHW still goes to the stock kernel). Idempotent, and safe to call before or after
 * '@tensorflow/tfjs-backend-wasm' is loaded; call it again after loading that package to get
 * the faster input gradient, which needs the stock kernel to be registered first.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of MISSING_KERNELS) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current === undefined) tf.registerKernel(config);
    // A kernel someone else registered (e.g. a later tfjs release) is left alone.
  }
  replaceConv2dBackpropInput();
}

/** Reports which of the kernels above are the infomax compositions right now. */
export function wasmTrainingKernelStatus(): Record<string, 'infomax' | 'stock' | 'missing'> {
  const status: Record<string, 'infomax' | 'stock' | 'missing'> = {};
  for (const name of [...MISSING_KERNELS.map((k) => k.kernelName), 'Conv2DBackpropInput']) {
    const kernel = tf.getKernel(name, 'wasm');
    status[name] = kernel === undefined ? 'missing' : isOurs(kernel.kernelFunc) ? 'infomax' : 'stock';
  }
  return status;
}

function replaceConv2dBackpropInput(): void {
  const stock = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (stock === undefined || isOurs(stock.kernelFunc)) return;
  const kernelFunc = markOurs((args) => {
    const { dataFormat } = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    if (dataFormat === 'NCHW') return stock.kernelFunc(args);
    return conv2dBackpropInputWasm(args);
  });
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc,
    // The stock kernel binds its wasm function in setup; keep that working for the NCHW path.
    ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    ...(stock.disposeFunc ? { disposeFunc: stock.disposeFunc } : {}),
  });
}
