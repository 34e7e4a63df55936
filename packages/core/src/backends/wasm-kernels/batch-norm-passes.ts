import * as tf from '@tensorflow/tfjs';
import { simdKernelsFor } from '../wasm-simd/simd-kernels';
import { threadedMapFor } from '../wasm-threads/wasm-gemm-threads';

/**
 * Batch norm's full-tensor work on wasm as three kernels over the SIMD passes of
 * batch-norm-kernel.ts. x is [..., C] viewed as G equal groups of M rows ([G, M, C], G =
 * `groups`); every per-channel tensor is [G, C].
 *
 * - BATCH_NORM_STATISTICS_KERNEL {x} -> [mean, variance] (biased), per group.
 * - BATCH_NORM_APPLY_KERNEL {x, mean, scale, shift?} -> y = (x - mean) * scale + shift; shift is
 *   [C] or [G, C], none for zero.
 * - BATCH_NORM_GRAD_KERNEL {dy, x, mean, invStd, scale} -> [dx, dgamma, dbeta] per group, the
 *   closed form of `batchNormTraining` (s = scale, N = M):
 *   dbeta = sum(dy), dgamma = invStd * sum(dy * (x - mean)),
 *   dx = (dy * s - (x - mean) * k1) - k0, k1 = (s * invStd) * (dgamma / N), k0 = s * (dbeta / N).
 *
 * They replace ~9 full-tensor tfjs kernels forward and ~8 backward (broadcast subtractions and
 * products, squares, batched ones-row products for the sums) by two passes each way.
 */
export const BATCH_NORM_STATISTICS_KERNEL = 'InfomaxBatchNormStatistics';
export const BATCH_NORM_APPLY_KERNEL = 'InfomaxBatchNormApply';
export const BATCH_NORM_GRAD_KERNEL = 'InfomaxBatchNormGrad';

export interface BatchNormPassAttrs {
  groups: number;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
  disposeData(dataId: object): void;
  dataIdMap: { get(id: object): { memoryOffset: number } };
  wasm: { HEAPU8: Uint8Array };
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** [G, M, C] of x, the kernels and the helpers every pass needs. */
function setUp(name: string, args: KernelArgs, x: tf.TensorInfo) {
  const kernels = simdKernelsFor(args.backend);
  if (!kernels) throw new Error(`${name}: infomax's wasm SIMD kernels are not loaded; use the composed batch norm`);
  const { groups } = args.attrs as unknown as BatchNormPassAttrs;
  const channels = x.shape[x.shape.length - 1] ?? 1;
  const size = tf.util.sizeFromShape(x.shape);
  if (x.dtype !== 'float32' || channels % 4 !== 0 || !Number.isInteger(groups) || groups < 1 || size % (groups * channels) !== 0) {
    throw new Error(
      `${name}: needs float32 [..., C] with C a multiple of 4 in equal groups, got ${x.dtype} [${x.shape.join(', ')}] ` +
        `in ${String(groups)} groups; use the composed batch norm`,
    );
  }
  const backend = args.backend as unknown as WasmBackendLike;
  const temporaries: tf.TensorInfo[] = [];
  return {
    kernels,
    backend,
    groups,
    channels,
    rows: size / groups / channels,
    offset: (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset,
    output: (shape: number[]) => backend.makeOutput(shape, 'float32'),
    temporary: (floats: number) => {
      const t = backend.makeOutput([floats], 'float32');
      temporaries.push(t);
      return t;
    },
    /** Float views of the heap: take them after the last allocation (a growing heap moves). */
    floats: (t: tf.TensorInfo, count: number) => new Float32Array(backend.wasm.HEAPU8.buffer, backend.dataIdMap.get(t.dataId).memoryOffset, count),
    release: () => temporaries.forEach((t) => backend.disposeData(t.dataId)),
  };
}

/** values *= 1 / count in single precision, as tfjs' mul by the scalar 1 / count rounds. */
function scaleInPlace(values: Float32Array, count: number): void {
  const factor = Math.fround(1 / count);
  for (let i = 0; i < values.length; i++) values[i] = Math.fround(values[i]! * factor);
}

export function batchNormStatisticsWasm(args: KernelArgs): tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const s = setUp(BATCH_NORM_STATISTICS_KERNEL, args, x);
  const { kernels, groups, rows, channels } = s;
  const mean = s.output([groups, channels]);
  const variance = s.output([groups, channels]);
  const partial = s.temporary(channels);
  try {
    const [px, pm, pv, pp] = [s.offset(x), s.offset(mean), s.offset(variance), s.offset(partial)];
    const groupBytes = rows * channels * 4;
    for (let g = 0; g < groups; g++) kernels.channelSums(px + g * groupBytes, rows, channels, pp, pm + g * channels * 4);
    scaleInPlace(s.floats(mean, groups * channels), rows);
    for (let g = 0; g < groups; g++) {
      kernels.channelSquares(px + g * groupBytes, pm + g * channels * 4, rows, channels, pp, pv + g * channels * 4);
    }
    scaleInPlace(s.floats(variance, groups * channels), rows);
  } finally {
    s.release();
  }
  return [mean, variance];
}

export function batchNormApplyWasm(args: KernelArgs): tf.TensorInfo {
  const { x, mean, scale, shift } = args.inputs as { x: tf.TensorInfo; mean: tf.TensorInfo; scale: tf.TensorInfo; shift?: tf.TensorInfo };
  const s = setUp(BATCH_NORM_APPLY_KERNEL, args, x);
  const { kernels, groups, rows, channels } = s;
  const perGroup = groups * channels;
  for (const [label, t] of [['mean', mean], ['scale', scale]] as const) {
    if (tf.util.sizeFromShape(t.shape) !== perGroup) throw new Error(`${BATCH_NORM_APPLY_KERNEL}: ${label} must be [${groups}, ${channels}], got [${t.shape.join(', ')}]`);
  }
  const shiftSize = shift ? tf.util.sizeFromShape(shift.shape) : 0;
  if (shift && shiftSize !== channels && shiftSize !== perGroup) {
    throw new Error(`${BATCH_NORM_APPLY_KERNEL}: shift must be [${channels}] or [${groups}, ${channels}], got [${shift.shape.join(', ')}]`);
  }
  const y = s.output(x.shape.slice());
  const zeros = shift ? null : s.temporary(channels);
  try {
    const ps = shift ? s.offset(shift) : s.offset(zeros!);
    if (zeros) s.floats(zeros, channels).fill(0);
    const shiftStride = shiftSize === perGroup ? channels * 4 : 0;
    const [px, pm, pk, py] = [s.offset(x), s.offset(mean), s.offset(scale), s.offset(y)];
    const groupBytes = rows * channels * 4;
    // The map pass is row-wise, so large tensors are split over the helper threads when they are on.
    const pool = threadedMapFor(args.backend, 2 * groups * groupBytes);
    const row = channels * 4;
    for (let g = 0; g < groups; g++) {
      const c = g * channels * 4;
      if (pool) {
        pool.map('channelAffine', rows, [px + g * groupBytes, pm + c, pk + c, ps + g * shiftStride, py + g * groupBytes], [row, 0, 0, 0, row], [channels]);
      } else {
        kernels.channelAffine(px + g * groupBytes, pm + c, pk + c, ps + g * shiftStride, rows, channels, py + g * groupBytes);
      }
    }
  } finally {
    s.release();
  }
  return y;
}

export function batchNormGradWasm(args: KernelArgs): tf.TensorInfo[] {
  const { dy, x, mean, invStd, scale } = args.inputs as Record<'dy' | 'x' | 'mean' | 'invStd' | 'scale', tf.TensorInfo>;
  const s = setUp(BATCH_NORM_GRAD_KERNEL, args, x);
  const { kernels, groups, rows, channels } = s;
  if (!tf.util.arraysEqual(dy.shape, x.shape)) {
    throw new Error(`${BATCH_NORM_GRAD_KERNEL}: dy [${dy.shape.join(', ')}] must have x's shape [${x.shape.join(', ')}]`);
  }
  const dx = s.output(x.shape.slice());
  const dgamma = s.output([groups, channels]);
  const dbeta = s.output([groups, channels]);
  const partial = s.temporary(2 * channels);
  const dyCentered = s.temporary(channels);
  const k1 = s.temporary(channels);
  const k0 = s.temporary(channels);
  try {
    const [pdy, px, pm, ps, pdx] = [s.offset(dy), s.offset(x), s.offset(mean), s.offset(scale), s.offset(dx)];
    const groupBytes = rows * channels * 4;
    const perRow = Math.fround(1 / rows);
    const pool = threadedMapFor(args.backend, 3 * groups * groupBytes);
    const row = channels * 4;
    for (let g = 0; g < groups; g++) {
      const c = g * channels * 4;
      kernels.channelGradientSums(pdy + g * groupBytes, px + g * groupBytes, pm + c, rows, channels, s.offset(partial), s.offset(dbeta) + c, s.offset(dyCentered));
      // Per-channel constants in single precision, in the composed path's order.
      const inv = s.floats(invStd, groups * channels).subarray(g * channels);
      const sc = s.floats(scale, groups * channels).subarray(g * channels);
      const db = s.floats(dbeta, groups * channels).subarray(g * channels);
      const dg = s.floats(dgamma, groups * channels).subarray(g * channels);
      const sums = s.floats(dyCentered, channels);
      const [v1, v0] = [s.floats(k1, channels), s.floats(k0, channels)];
      for (let i = 0; i < channels; i++) {
        dg[i] = Math.fround(sums[i]! * inv[i]!);
        v1[i] = Math.fround(Math.fround(sc[i]! * inv[i]!) * Math.fround(dg[i]! * perRow));
        v0[i] = Math.fround(sc[i]! * Math.fround(db[i]! * perRow));
      }
      const [gdy, gx, gdx] = [pdy + g * groupBytes, px + g * groupBytes, pdx + g * groupBytes];
      if (pool) {
        pool.map('channelInputGradient', rows, [gdy, gx, pm + c, ps + c, s.offset(k1), s.offset(k0), gdx], [row, row, 0, 0, 0, 0, row], [channels]);
      } else {
        kernels.channelInputGradient(gdy, gx, pm + c, ps + c, s.offset(k1), s.offset(k0), rows, channels, gdx);
      }
    }
  } finally {
    s.release();
  }
  return [dx, dgamma, dbeta];
}

/**
 * Whether batch norm on `x` can run on these kernels now: the wasm backend with infomax's SIMD
 * kernels loaded, float32, channels a multiple of 4, the kernels registered.
 */
export function batchNormPassesAvailable(x: tf.Tensor): boolean {
  const channels = x.shape[x.rank - 1] ?? 0;
  return (
    tf.getBackend() === 'wasm' &&
    x.dtype === 'float32' &&
    channels % 4 === 0 &&
    channels > 0 &&
    simdKernelsFor(tf.backend()) !== null &&
    tf.getKernel(BATCH_NORM_GRAD_KERNEL, 'wasm') !== undefined
  );
}

/**
 * The statistics are taken off the gradient: `batchNormTraining`'s closed-form gradient already
 * accounts for how they depend on x, so the statistics kernel sends nothing back (what the
 * composed form's `detached` does). Registered once per process; idempotent.
 */
export function registerBatchNormStatisticsGradient(): void {
  if (tf.getGradient(BATCH_NORM_STATISTICS_KERNEL) !== undefined) return;
  tf.registerGradient({
    kernelName: BATCH_NORM_STATISTICS_KERNEL,
    inputsToSave: ['x'],
    gradFunc: (_dy, saved) => ({ x: () => tf.zerosLike(saved[0]!) }),
  });
}
