import * as tf from '@tensorflow/tfjs';
import { threadedMapFor } from '../wasm-threads/wasm-gemm-threads';
import { heapOffset, type WasmHeapBackend } from './wasm-heap';

/**
 * Add on wasm: large float32 sums of same-shape tensors, or of a tensor and a bias over its
 * last axis (C a multiple of 4), split over the helper threads (`map` jobs) when they are on;
 * everything else, and everything on one thread, is the stock kernel. Same bits as the stock
 * kernel (both are f32x4 adds in operand order).
 */
export function addWasm(args: Parameters<tf.KernelFunc>[0], stock: tf.KernelFunc): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock(args) as tf.TensorInfo;
  const plan = addPlan(a.shape, b.shape);
  if (!plan) return stock(args) as tf.TensorInfo;
  const big = plan.rows * plan.channels;
  const pool = threadedMapFor(args.backend, 3 * 4 * big);
  if (!pool) return stock(args) as tf.TensorInfo;
  const backend = args.backend as unknown as WasmHeapBackend;
  const out = backend.makeOutput(plan.outShape, 'float32');
  const [pa, pb, po] = [heapOffset(backend, a), heapOffset(backend, b), heapOffset(backend, out)];
  if (plan.kind === 'same') {
    pool.map('add', big, [pa, pb, po], [4, 4, 4], [], 4);
  } else {
    const row = plan.channels * 4;
    const [strideA, strideB] = plan.kind === 'bias-b' ? [row, 0] : [0, row];
    pool.map('addRows', plan.rows, [pa, pb, po], [strideA, strideB, row], [plan.channels, strideA, strideB]);
  }
  return out;
}

export interface AddPlan {
  /** same: equal shapes; bias-b: b is a [C] bias of a; bias-a: a is a [C] bias of b. */
  kind: 'same' | 'bias-a' | 'bias-b';
  rows: number;
  channels: number;
  outShape: number[];
}

/** How `addWasm` runs a + b of these shapes, or null for the stock kernel. */
export function addPlan(aShape: readonly number[], bShape: readonly number[]): AddPlan | null {
  const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
  if (tf.util.arraysEqual(aShape as number[], bShape as number[])) {
    return { kind: 'same', rows: size(aShape), channels: 1, outShape: aShape.slice() };
  }
  const biasOf = (x: readonly number[], bias: readonly number[]) => {
    const channels = x[x.length - 1] ?? 0;
    // A bias is [C] or [1, ..., 1, C] of no higher rank than x.
    return (
      x.length >= 2 &&
      bias.length >= 1 &&
      bias.length <= x.length &&
      channels % 4 === 0 &&
      channels > 0 &&
      bias[bias.length - 1] === channels &&
      size(bias) === channels
    );
  };
  if (biasOf(aShape, bShape)) {
    const channels = aShape[aShape.length - 1]!;
    return { kind: 'bias-b', rows: size(aShape) / channels, channels, outShape: aShape.slice() };
  }
  if (biasOf(bShape, aShape)) {
    const channels = bShape[bShape.length - 1]!;
    return { kind: 'bias-a', rows: size(bShape) / channels, channels, outShape: bShape.slice() };
  }
  return null;
}
