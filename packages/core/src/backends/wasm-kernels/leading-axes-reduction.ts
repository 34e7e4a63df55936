import * as tf from '@tensorflow/tfjs';
import { blockedGemm } from '../wasm-simd/blocked-gemm';
import { simdKernelsFor } from '../wasm-simd/simd-kernels';
import { composeWasmKernel } from './wasm-kernel-scope';

/**
 * Sum / Mean over leading axes (a bias gradient, batch-norm statistics: [N, H, W, C] -> [C]) on
 * wasm as column sums of the [P, C] view of x, read in place: the SIMD column-sum pass where C
 * is a multiple of 4, else one gemm of a ones row with the view. wasm's
 * reductions only sum innermost axes, so they transposed the whole tensor first. Other axis
 * sets, dtypes, or no SIMD kernels: the stock kernel.
 */
export function leadingAxesReductionWasm(
  args: Parameters<tf.KernelFunc>[0],
  stock: tf.KernelFunc,
  mean: boolean,
): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
  const kernels = x.dtype === 'float32' ? simdKernelsFor(args.backend) : null;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  if (!kernels || !leading) return stock(args) as tf.TensorInfo;
  const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
  const cols = tf.util.sizeFromShape(x.shape.slice(axes.length));
  const outShape = keepDims ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length);
  return composeWasmKernel(args.backend, (scope) => {
    const out = scope.output([1, cols]);
    if (cols % 4 === 0) {
      // Batch norm's column-sum pass: one read of x at memory speed, sums blocked by rows. A
      // one-row gemm does a multiply-add per value and reloads its row block per column panel
      // (1.45 ms against ~0.5 ms for AMDIM's stem bias gradient, [57600, 32]).
      const partial = scope.output([cols]);
      kernels.channelSums(scope.offset(x), rows, cols, scope.offset(partial), scope.offset(out));
    } else {
      const [px, pout] = [scope.offset(x), scope.offset(out)];
      blockedGemm(kernels, { a: kernels.one, sam: 0, sak: 0, b: px, sbk: cols * 4, c: pout, scm: cols * 4 }, 1, cols, rows);
    }
    if (!mean || rows === 1) return scope.reshape(out, outShape);
    const scaled = scope.run('Multiply', { a: out, b: scope.upload([], 'float32', new Float32Array([1 / rows])) });
    return scope.reshape(scaled, outShape);
  });
}
