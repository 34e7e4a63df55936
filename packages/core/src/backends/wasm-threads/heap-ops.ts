import type * as tf from '@tensorflow/tfjs';
import type { GemmOperands } from '../wasm-simd/blocked-gemm';
import type { PatchGeometry, ThreadedKernels } from './threaded-kernels';

/**
 * Threaded versions of infomax's wasm gemm uses, on byte offsets into tfjs' wasm heap. A pool
 * on the heap itself (`inPlace`) computes there; a pool on a memory of its own gets the
 * operands copied in and the results copied back. Convolutions run their im2col / col2im in
 * the pool too, so only the tensors themselves ever cross (not the patch matrices).
 */

/** One operation on a pool: where its operands, results and scratch live. */
export class PoolOperation {
  private readonly results: { at: number; offset: number; bytes: number }[] = [];

  /**
   * `heap` is tfjs' heap (fetched after the outputs were allocated); `heapScratch` makes room
   * on it (tensors freed with the calling kernel), for in-place pools.
   */
  constructor(
    readonly pool: ThreadedKernels,
    private readonly heap: Uint8Array,
    private readonly heapScratch: (bytes: number) => number,
  ) {
    pool.begin();
  }

  /** Where the pool reads `bytes` at heap `offset`. */
  input(offset: number, bytes: number): number {
    return this.pool.inPlace ? offset : this.pool.stage(this.heap, offset, bytes);
  }

  /** Where the pool writes a result that belongs at heap `offset` (`finish` puts it there). */
  output(offset: number, bytes: number): number {
    if (this.pool.inPlace) return offset;
    const at = this.pool.alloc(bytes);
    this.results.push({ at, offset, bytes });
    return at;
  }

  scratch(bytes: number): number {
    return this.pool.inPlace ? this.heapScratch(bytes) : this.pool.alloc(bytes);
  }

  gemm(o: GemmOperands, m: number, n: number, k: number): void {
    this.pool.gemm(o, m, n, k, false, (bytes) => this.scratch(bytes));
  }

  finish(): void {
    for (const r of this.results) this.pool.unstage(r.at, this.heap, r.offset, r.bytes);
  }
}

/** Bytes spanned by a [rows, cols] operand with byte strides (rowStride, colStride). */
function extent(rows: number, cols: number, rowStride: number, colStride: number): number {
  return (rows - 1) * rowStride + (cols - 1) * colStride + 4;
}

/** Bytes `heapGemm` moves when it copies: A and B in, C out. */
export function gemmCopyBytes(o: GemmOperands, m: number, n: number, k: number): number {
  return extent(m, k, o.sam, o.sak) + extent(k, n, o.sbk, 4) + extent(m, n, o.scm, 4);
}

/** C = A B with pointers into tfjs' heap (see GemmOperands). */
export function heapGemm(op: PoolOperation, o: GemmOperands, m: number, n: number, k: number): void {
  if (m === 0 || n === 0) return;
  const a = k === 0 ? 0 : op.input(o.a, extent(m, k, o.sam, o.sak));
  const b = k === 0 ? 0 : op.input(o.b, extent(k, n, o.sbk, 4));
  const c = op.output(o.c, extent(m, n, o.scm, 4));
  op.gemm({ a, sam: o.sam, sak: o.sak, b, sbk: o.sbk, c, scm: o.scm }, m, n, k);
  op.finish();
}

export function patchGeometry(info: tf.backend_util.Conv2DInfo): PatchGeometry {
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    c: info.inChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    oh: info.outHeight,
    ow: info.outWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    dh: info.dilationHeight,
    dw: info.dilationWidth,
  };
}

/** Bytes a threaded convolution moves when it copies: its two inputs and its output. */
export function convCopyBytes(info: tf.backend_util.Conv2DInfo): number {
  const s = sizes(info);
  return s.xBytes + s.patches * s.cout * 4 + s.patchSize * s.cout * 4;
}

interface ConvSizes {
  patches: number;
  patchSize: number;
  xBytes: number;
  cout: number;
}

function sizes(info: tf.backend_util.Conv2DInfo): ConvSizes {
  return {
    patches: info.batchSize * info.outHeight * info.outWidth,
    patchSize: info.filterHeight * info.filterWidth * info.inChannels,
    xBytes: info.batchSize * info.inHeight * info.inWidth * info.inChannels * 4,
    cout: info.outChannels,
  };
}

/** The patch matrix of x: x itself for a pointwise conv, else im2col of it on all threads. */
function patches(op: PoolOperation, x: number, info: tf.backend_util.Conv2DInfo, pointwise: boolean): number {
  const s = sizes(info);
  const px = op.input(x, s.xBytes);
  if (pointwise) return px;
  const cols = op.scratch(s.patches * s.patchSize * 4);
  op.pool.im2col(px, cols, patchGeometry(info));
  return cols;
}

/** NHWC Conv2D: out [P, Cout] = patches [P, KH*KW*Cin] x filter [KH*KW*Cin, Cout]. */
export function heapConv2d(
  op: PoolOperation,
  p: { x: number; filter: number; out: number },
  info: tf.backend_util.Conv2DInfo,
  pointwise: boolean,
): void {
  const s = sizes(info);
  const cols = patches(op, p.x, info, pointwise);
  const filter = op.input(p.filter, s.patchSize * s.cout * 4);
  const out = op.output(p.out, s.patches * s.cout * 4);
  op.gemm({ a: cols, sam: s.patchSize * 4, sak: 4, b: filter, sbk: s.cout * 4, c: out, scm: s.cout * 4 }, s.patches, s.cout, s.patchSize);
  op.finish();
}

/**
 * dF [KH*KW*Cin, Cout] = patches^T dy, or its transpose dy^T patches [Cout, KH*KW*Cin] when
 * `transposed` (see `filterGradTransposed`).
 */
export function heapFilterGrad(
  op: PoolOperation,
  p: { x: number; dy: number; out: number },
  info: tf.backend_util.Conv2DInfo,
  pointwise: boolean,
  transposed = false,
): void {
  const s = sizes(info);
  const cols = patches(op, p.x, info, pointwise);
  const dy = op.input(p.dy, s.patches * s.cout * 4);
  const out = op.output(p.out, s.patchSize * s.cout * 4);
  if (transposed) {
    op.gemm({ a: dy, sam: 4, sak: s.cout * 4, b: cols, sbk: s.patchSize * 4, c: out, scm: s.patchSize * 4 }, s.cout, s.patchSize, s.patches);
  } else {
    op.gemm({ a: cols, sam: 4, sak: s.patchSize * 4, b: dy, sbk: s.cout * 4, c: out, scm: s.cout * 4 }, s.patchSize, s.cout, s.patches);
  }
  op.finish();
}

/** dx: patch gradients dy f^T [P, KH*KW*Cin] (fT is the [Cout, KH*KW*Cin] filter), then col2im. */
export function heapInputGrad(
  op: PoolOperation,
  p: { dy: number; fT: number; dx: number },
  info: tf.backend_util.Conv2DInfo,
  pointwise: boolean,
): void {
  const s = sizes(info);
  const dy = op.input(p.dy, s.patches * s.cout * 4);
  const fT = op.input(p.fT, s.cout * s.patchSize * 4);
  const dx = op.output(p.dx, s.xBytes);
  // A pointwise conv's patch gradients are dx itself.
  const cols = pointwise ? dx : op.scratch(s.patches * s.patchSize * 4);
  op.gemm({ a: dy, sam: s.cout * 4, sak: 4, b: fT, sbk: s.patchSize * 4, c: cols, scm: s.patchSize * 4 }, s.patches, s.patchSize, s.cout);
  if (!pointwise) op.pool.col2im(dx, cols, patchGeometry(info));
  op.finish();
}

/**
 * The input gradient as one stride-1 convolution of dy whose output channels are the stride
 * phases (see `subPixelAxis`): im2col of dy over the taps, one gemm with the rearranged filter,
 * and a store of the phases into dx.
 */
export interface SubPixelGemm {
  /** The taps' patches of dy, or null when dy is its own patch matrix (1x1 taps, no padding). */
  taps: PatchGeometry | null;
  /** The gemm: rows (N * blocksH * blocksW), depth (taps * Cout), columns (phases * Cin). */
  rows: number;
  depth: number;
  cols: number;
  /** The phases' store into dx, or null when the product is dx itself (stride 1). */
  phases: PatchGeometry | null;
  dyBytes: number;
  dxBytes: number;
}

/** dx [N, H, W, Cin] from dy and the sub-pixel filter g [taps * Cout, phases * Cin]. */
export function heapSubPixelInputGrad(op: PoolOperation, p: { dy: number; g: number; dx: number }, s: SubPixelGemm): void {
  let a = op.input(p.dy, s.dyBytes);
  const g = op.input(p.g, s.depth * s.cols * 4);
  const dx = op.output(p.dx, s.dxBytes);
  if (s.taps) {
    const cols = op.scratch(s.rows * s.depth * 4);
    op.pool.im2col(a, cols, s.taps);
    a = cols;
  }
  const product = s.phases ? op.scratch(s.rows * s.cols * 4) : dx;
  op.gemm({ a, sam: s.depth * 4, sak: 4, b: g, sbk: s.cols * 4, c: product, scm: s.cols * 4 }, s.rows, s.cols, s.depth);
  if (s.phases) op.pool.col2imStore(dx, product, s.phases);
  op.finish();
}
