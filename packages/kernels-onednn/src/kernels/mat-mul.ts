import * as tf from '@tensorflow/tfjs';
import { activationCode } from '../activation-code';
import type { OneDnnAddon } from '../native-addon';
import type { KernelArgs, NativePlan } from '../native-call';

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/**
 * BatchMatMul and _FusedMatMul. Leading (batch) axes are flattened; they must be equal on both
 * sides or all ones on one side (tfjs's general broadcasting falls back).
 */
export function matMulPlan(addon: OneDnnAddon, fused: boolean) {
  return (args: KernelArgs): NativePlan => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = (args.attrs ?? {}) as unknown as tf.BatchMatMulAttrs & { activation?: string; leakyreluAlpha?: number };
    if (preluActivationWeights) return 'prelu activation';
    const code = fused ? activationCode(attrs.activation) : 0;
    if (code === undefined) return `activation ${attrs.activation}`;
    if (a!.shape.length < 2 || b!.shape.length < 2) return 'rank below 2';
    const [aBatchDims, bBatchDims] = [a!.shape.slice(0, -2), b!.shape.slice(0, -2)];
    const [aRows, aCols] = a!.shape.slice(-2) as [number, number];
    const [bRows, bCols] = b!.shape.slice(-2) as [number, number];
    const [m, k] = attrs.transposeA ? [aCols, aRows] : [aRows, aCols];
    const [kB, n] = attrs.transposeB ? [bCols, bRows] : [bRows, bCols];
    if (k !== kB) return 'inner dimensions differ';
    const batchA = product(aBatchDims);
    const batchB = product(bBatchDims);
    const sameBatch = aBatchDims.length === bBatchDims.length && aBatchDims.every((d, i) => d === bBatchDims[i]);
    if (!sameBatch && batchA !== 1 && batchB !== 1) return 'broadcast batch axes';
    // Broadcasting against ones keeps tfjs's output rank, e.g. [1, m, k] x [k, n] -> [1, m, n].
    const outBatchDims = tf.backend_util.assertAndGetBroadcastShape(aBatchDims, bBatchDims);
    if (bias && (product(bias.shape) !== n || bias.shape.at(-1) !== n)) return 'bias not per output column';
    if (m * n * k === 0) return 'empty tensor';
    const geometry = Int32Array.of(batchA, batchB, m, k, n, attrs.transposeA ? 1 : 0, attrs.transposeB ? 1 : 0);
    const alpha = attrs.leakyreluAlpha ?? 0.2;
    return {
      outputShape: [...outBatchDims, m, n],
      run: (mem, c) => addon.matMul(geometry, code, alpha, mem.input(a!), mem.input(b!), bias ? mem.input(bias) : null, c),
    };
  };
}
