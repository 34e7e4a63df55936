import * as tf from '@tensorflow/tfjs';
import { matMulGeometry, matMulPlan } from './batch-mat-mul';
import { composeWasmKernel } from './wasm-kernel-scope';

/**
 * _FusedMatMul (matMul + bias + activation) on wasm: like BatchMatMul, the stock kernel reaches
 * XNNPACK only without transposes and batch dims. Where only `a` is batched (or nothing is) and
 * the bias is per output column, the transposes are materialised and the batch folded into rows,
 * and the stock kernel runs flag-free. PReLU (whose weights may broadcast over the batch) and
 * batched `b` keep the stock kernel.
 */
export function fusedMatMulWasm(args: Parameters<tf.KernelFunc>[0], stock: tf.KernelFunc): tf.TensorInfo {
  const { a, b, bias, preluActivationWeights } = args.inputs as {
    a: tf.TensorInfo;
    b: tf.TensorInfo;
    bias?: tf.TensorInfo;
    preluActivationWeights?: tf.TensorInfo;
  };
  const attrs = args.attrs as unknown as tf.BatchMatMulAttrs & { activation?: string };
  const { transposeA = false, transposeB = false } = attrs;
  const g = matMulGeometry(a.shape, b.shape, transposeA, transposeB);
  const foldable =
    matMulPlan(g) === 'single' && preluActivationWeights == null && (bias == null || bias.shape.length === 1);
  if (!foldable || (g.batchA === 1 && !transposeA && !transposeB)) return stock(args) as tf.TensorInfo;
  return composeWasmKernel(args.backend, (scope) => {
    let lhs = scope.reshape(a, [g.batchA, transposeA ? g.k : g.m, transposeA ? g.m : g.k]);
    if (transposeA) lhs = scope.transpose(lhs, [0, 2, 1]);
    let rhs = scope.reshape(b, [1, transposeB ? g.n : g.k, transposeB ? g.k : g.n]);
    if (transposeB) rhs = scope.transpose(rhs, [0, 2, 1]);
    const inputs: Record<string, tf.TensorInfo> = { a: scope.reshape(lhs, [1, g.batchA * g.m, g.k]), b: rhs };
    if (bias) inputs.bias = bias;
    const out = scope.call(stock, inputs, { ...attrs, transposeA: false, transposeB: false }, '_FusedMatMul');
    return scope.reshape(out, [...g.batchShape, g.m, g.n]);
  });
}
