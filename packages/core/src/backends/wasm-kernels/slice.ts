import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernelsFor } from '../wasm-simd/simd-kernels';
import { copyRows } from './copy-rows';

/** Runs at least this many per slice go to the row-copy pass instead of one copyWithin each. */
const ROW_COPY_MIN_RUNS = 64;

/**
 * Slice on wasm as copies inside the module's heap. tfjs 4.22's wasm Slice first copies the
 * WHOLE input out of the heap (`readSync`) and then picks the slice from that copy, so taking a
 * [32, 1] column of a [32, 1568] matrix moves 200 KB, and SplitV / Unpack / StridedSlice, which
 * slice once per output, move the input once per output (measured: a 128-way Unpack of
 * [8, 128, 384] took 89 ms). Here each maximal contiguous run is one `copyWithin`.
 */
export function sliceInHeap(
  backend: BackendWasm,
  x: tf.TensorInfo,
  begin: readonly number[],
  size: readonly number[],
): tf.TensorInfo {
  const out = backend.makeOutput([...size], x.dtype);
  const total = tf.util.sizeFromShape([...size]);
  if (total === 0) return out;
  // Views are taken after makeOutput: allocating may grow (and so replace) the heap's buffer.
  const heap = (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8;
  const bytes = tf.util.bytesPerElement(x.dtype);
  const src = offsetOf(backend, x);
  let dst = offsetOf(backend, out);
  const shape = x.shape;
  const rank = shape.length;
  // The run: the trailing axes taken whole, plus the first partial axis before them.
  let run = 1;
  let outer = rank - 1;
  while (outer >= 0) {
    run *= size[outer] ?? 1;
    if ((size[outer] ?? 1) !== (shape[outer] ?? 1)) break;
    outer--;
  }
  const strides = tf.util.computeStrides([...shape]);
  const runBytes = run * bytes;
  // Odometer over the axes before `outer` (exclusive); `outer` itself is inside the run.
  const axes = Math.max(0, outer);
  const index = new Array<number>(axes).fill(0);
  let start = 0;
  for (let i = 0; i < rank; i++) start += (begin[i] ?? 0) * (i < rank - 1 ? (strides[i] ?? 1) : 1);
  const runs = total / run;
  // Runs equally spaced: one SIMD row-copy pass, e.g. a channel slice of [64, 14, 14, 64] is
  // 12544 runs of 128 bytes.
  const kernels = runs >= ROW_COPY_MIN_RUNS && bytes === 4 ? simdKernelsFor(backend) : null;
  const spacing = kernels ? runSpacing(strides, size, axes) : null;
  if (kernels && spacing !== null) {
    copyRows(backend, kernels, { src: src + start * bytes, dst, rows: runs, bytes: runBytes, srcStride: spacing * bytes, dstStride: runBytes, padBefore: 0, padAfter: 0, fill: 0 });
    return out;
  }
  let offset = start;
  for (let r = 0; r < runs; r++) {
    heap.copyWithin(dst, src + offset * bytes, src + offset * bytes + runBytes);
    dst += runBytes;
    // Advance the odometer over axes [0, outer).
    for (let axis = axes - 1; axis >= 0; axis--) {
      const stride = strides[axis] ?? 1;
      if ((index[axis] ?? 0) + 1 < (size[axis] ?? 1)) {
        index[axis] = (index[axis] ?? 0) + 1;
        offset += stride;
        break;
      }
      offset -= (index[axis] ?? 0) * stride;
      index[axis] = 0;
    }
  }
  return out;
}

/**
 * The distance in elements between consecutive runs when it is the same for all (axes 0 ..
 * `axes` - 1 step through the runs): the axes that move (size > 1) must nest without gaps, each
 * one's stride the size times the stride of the next one in. Null when they do not.
 */
function runSpacing(strides: readonly number[], size: readonly number[], axes: number): number | null {
  let spacing: number | null = null;
  let span = 0;
  for (let axis = axes - 1; axis >= 0; axis--) {
    const n = size[axis] ?? 1;
    if (n <= 1) continue;
    const stride = strides[axis] ?? 1;
    if (spacing === null) spacing = stride;
    else if (stride !== span) return null;
    span = stride * n;
  }
  return spacing ?? 0;
}

function offsetOf(backend: BackendWasm, x: tf.TensorInfo): number {
  return (backend.dataIdMap.get(x.dataId) as unknown as { memoryOffset: number }).memoryOffset;
}

type Args = Parameters<tf.KernelFunc>[0];

export function sliceWasm(args: Args, stock: tf.KernelFunc): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') return stock(args) as tf.TensorInfo;
  const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
  const [b = [], s = []] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  tf.slice_util.assertParamsValid(x as tf.Tensor, b, s);
  return sliceInHeap(args.backend as BackendWasm, x, b, s);
}

export function splitVWasm(args: Args, stock: tf.KernelFunc): tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') return stock(args) as tf.TensorInfo[];
  const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
  const $axis = tf.util.parseAxisParam(axis, x.shape)[0] ?? 0;
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, $axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[$axis] = s;
    const part = sliceInHeap(args.backend as BackendWasm, x, begin, size);
    begin[$axis] = (begin[$axis] ?? 0) + s;
    return part;
  });
}

export function unpackWasm(args: Args, stock: tf.KernelFunc): tf.TensorInfo[] {
  const { value } = args.inputs as { value: tf.TensorInfo };
  if (value.dtype === 'string') return stock(args) as tf.TensorInfo[];
  const rank = value.shape.length;
  let { axis } = args.attrs as unknown as tf.UnpackAttrs;
  if (axis < 0) axis += rank;
  const count = value.shape[axis] ?? 0;
  const outShape = value.shape.filter((_, i) => i !== axis);
  const size = [...value.shape];
  size[axis] = 1;
  const begin = new Array<number>(rank).fill(0);
  const outs: tf.TensorInfo[] = [];
  for (let i = 0; i < count; i++) {
    begin[axis] = i;
    const part = sliceInHeap(args.backend as BackendWasm, value, begin, size);
    outs.push({ dataId: part.dataId, dtype: part.dtype, shape: outShape });
  }
  return outs;
}

/** StridedSlice: the plain-slice cases go through `sliceInHeap`; the rest to the stock kernel. */
export function stridedSliceWasm(args: Args, stock: tf.KernelFunc): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const a = args.attrs as unknown as tf.StridedSliceAttrs;
  if (x.dtype === 'string') return stock(args) as tf.TensorInfo;
  const info = tf.slice_util.sliceInfo(
    x.shape,
    a.begin,
    a.end,
    a.strides,
    a.beginMask,
    a.endMask,
    a.ellipsisMask,
    a.newAxisMask,
    a.shrinkAxisMask,
  );
  if (info.isIdentity || !(info.sliceDim0 || info.isSimpleSlice)) return stock(args) as tf.TensorInfo;
  const size = tf.slice_util.computeOutShape(info.begin, info.end, info.strides);
  const sliced = sliceInHeap(args.backend as BackendWasm, x, info.begin, size);
  return { dataId: sliced.dataId, dtype: sliced.dtype, shape: info.finalShape };
}
