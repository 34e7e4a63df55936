import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assembleModule } from './wasm-assembler';
import { GEMM_SHAPE, writeGemm } from './gemm-kernel';
import { writeAdam } from './adam-kernel';
import { writeCol2im, writeCol2imStore, writeIm2col } from './im2col-kernel';
import { writeReluGrad } from './relu-grad-kernel';
import { writeBatchNormPasses } from './batch-norm-kernel';
import { writeAvgPoolWindows } from './avg-pool-kernel';
import { writeCopyRows } from './elementwise-kernel';
import { writeWinogradInput, writeWinogradInputGrad, writeWinogradOutput, writeWinogradOutputGrad } from './winograd-kernel';
import { processSwitch } from '../process-switch';

/** infomax's own wasm SIMD kernels, running on the tfjs wasm backend's memory. */
export interface SimdKernels {
  /** Byte offset of a float32 1.0 in the heap (a ones "matrix" for gemm with zero strides). */
  readonly one: number;
  /** Byte offset of a scratch buffer of PACK_BYTES for gemm's packed panels. */
  readonly pack: number;
  /** Whether the gemm uses relaxed-SIMD fused multiply-adds (engines with relaxed SIMD). */
  readonly fma: boolean;
  /** See `writeGemm`: byte pointers and strides into the wasm heap. */
  gemm(
    a: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
    sam: number,
    sak: number,
    sbk: number,
    scm: number,
    accumulate: 0 | 1,
    pack: number,
  ): void;
  /** gemm for 1-3 rows (see `writeGemm`'s `tail`). */
  gemmTail: SimdKernels['gemm'];
  /** See `writeIm2col`: byte pointers, sizes in elements. */
  im2col(x: number, out: number, ...geometry: PatchGeometry): void;
  /** See `writeAdam`: one fused Adam update of n values (byte pointers, then the scalars). */
  adam(
    w: number,
    m: number,
    v: number,
    g: number,
    outW: number,
    outM: number,
    outV: number,
    n: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    correction1: number,
    correction2: number,
    epsilon: number,
    learningRate: number,
    l2: number,
    decay: number,
  ): void;
  /** See `writeCol2im`: dx = the patch matrix `cols` added back onto its pixels. */
  col2im(dx: number, cols: number, ...geometry: PatchGeometry): void;
  /** See `writeCol2imStore`: stores non-overlapping patches `cols` into `dx` (no zeroing). */
  col2imStore(dx: number, cols: number, ...geometry: PatchGeometry): void;
  /** See `writeCopyRows`: rows copied between strides, with a constant pad before and after. */
  copyRows(src: number, dst: number, rows: number, bytes: number, srcStride: number, dstStride: number, padBefore: number, padAfter: number, fill: number): void;
  /** See `writeWinogradInput` (winograd-kernel.ts): V = B^T d B of every tile and stride phase. */
  winogradInput(x: number, v: number, images: number, h: number, w: number, c: number, tilesH: number, tilesW: number, planeBytes: number, firstTile: number): void;
  /** See `writeWinogradInputGrad`: dx from dV, the gradient of winogradInput. */
  winogradInputGrad(dv: number, dx: number, images: number, h: number, w: number, c: number, tilesH: number, tilesW: number, planeBytes: number, firstTile: number): void;
  /** See `writeWinogradOutput`: y = A^T M A of every tile. */
  winogradOutput(m: number, y: number, images: number, tilesH: number, tilesW: number, channels: number, planeBytes: number, firstTile: number): void;
  /** See `writeWinogradOutputGrad`: dM = A dY A^T of every tile. */
  winogradOutputGrad(dy: number, dm: number, images: number, tilesH: number, tilesW: number, channels: number, planeBytes: number, firstTile: number): void;
  /** See `writeReluGrad`: out = tfjs' Relu gradient mul(dy, step(x)) of n values, in one pass. */
  reluGrad(dy: number, x: number, out: number, n: number): void;
  /** See `writeChannelSums` (batch-norm-kernel.ts): per-channel sums of [rows, channels]. */
  channelSums(x: number, rows: number, channels: number, partial: number, out: number): void;
  /** See `writeChannelSquares`: per-channel sums of squared deviations from `mean`. */
  channelSquares(x: number, mean: number, rows: number, channels: number, partial: number, out: number): void;
  /** See `writeChannelAffine`: y = (x - mean) * scale + shift, per channel. */
  channelAffine(x: number, mean: number, scale: number, shift: number, rows: number, channels: number, y: number): void;
  /** See `writeChannelGradientSums`: per-channel sums of dy and dy * (x - mean). */
  channelGradientSums(dy: number, x: number, mean: number, rows: number, channels: number, partial: number, sumDy: number, sumDyCentered: number): void;
  /** See `writeChannelInputGradient`: dx = (dy * s - (x - mean) * k1) - k0, per channel. */
  channelInputGradient(dy: number, x: number, mean: number, s: number, k1: number, k0: number, rows: number, channels: number, dx: number): void;
  /**
   * See `writeAvgPoolWindows`: an unpadded NHWC average pool or its gradient as a gather, each
   * destination pixel = scale * the sum of its (rows x cols) window of `src`.
   */
  avgPoolWindows(
    dst: number,
    src: number,
    n: number,
    srcH: number,
    srcW: number,
    c: number,
    dstH: number,
    dstW: number,
    rows: number,
    cols: number,
    scratch: number,
    usedW: number,
    scale: number,
  ): void;
}

/**
 * The patch walk shared by im2col, col2im and col2imStore, in elements: batch, image size and
 * channels, filter size, output size, strides, padding before, dilations.
 */
export type PatchGeometry = [
  n: number, h: number, w: number, c: number,
  kh: number, kw: number, oh: number, ow: number,
  sh: number, sw: number, padTop: number, padLeft: number,
  dh: number, dw: number,
];

/** Room for a 12-column panel of GEMM_DEPTH_BLOCK rows (with margin). */
export const PACK_BYTES = 64 * 1024;

// Process-wide, like the thread pools: `@infomax/core` and `@infomax/core/node` are separate
// bundles, each with its own copy of this module, and kernels loaded by `initNodeBackend` (the
// /node copy) must be found by the main copy too (the fused Adam update asks there). A
// module-level map left the CLI's Adam on the composed path.
const LOADED = Symbol.for('@infomax/core/simd-kernels');
const loadedHolder = globalThis as { [LOADED]?: WeakMap<object, SimdKernels | null> };
const loaded = (loadedHolder[LOADED] ??= new WeakMap<object, SimdKernels | null>());

export function memoryOf(backend: BackendWasm): WebAssembly.Memory | undefined {
  const module = backend.wasm as unknown as { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory };
  return module.asm?.memory ?? module.wasmMemory;
}

/**
 * Compiles the kernels against this backend's memory (once per backend). Resolves to null where
 * they cannot run (no wasm SIMD, or a build that does not expose its memory); callers then keep
 * the stock tfjs kernels.
 */
export async function loadSimdKernels(backend: BackendWasm): Promise<SimdKernels | null> {
  const known = loaded.get(backend);
  if (known !== undefined) return known;
  let kernels: SimdKernels | null = null;
  const memory = memoryOf(backend);
  if (memory) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    // Relaxed SIMD's fused multiply-add makes the gemm ~1.3x faster (measured); engines without
    // it (Node 20 unless run with --experimental-wasm-relaxed-simd) get plain mul + add.
    const withFma = assembleModule([writeGemm({ ...GEMM_SHAPE, fma: true }), writeGemm({ ...GEMM_SHAPE, fma: true }, true), writeIm2col(), writeCol2im(), writeCol2imStore(), writeAdam(), ...writeBatchNormPasses(), writeReluGrad(), writeAvgPoolWindows(), writeCopyRows(), ...winogradWriters()], shared);
    const plain = assembleModule([writeGemm(GEMM_SHAPE), writeGemm(GEMM_SHAPE, true), writeIm2col(), writeCol2im(), writeCol2imStore(), writeAdam(), ...writeBatchNormPasses(), writeReluGrad(), writeAvgPoolWindows(), writeCopyRows(), ...winogradWriters()], shared);
    const fma = WebAssembly.validate(withFma);
    const bytes = fma ? withFma : plain;
    try {
      if (WebAssembly.validate(bytes)) {
        const module = await WebAssembly.compile(bytes);
        const instance = await WebAssembly.instantiate(module, { env: { memory } });
        // Live as long as the backend: a 1.0 that column sums multiply by, and gemm's scratch.
        const one = backend.makeOutput([1], 'float32', undefined, new Float32Array([1]));
        const pack = backend.makeOutput([PACK_BYTES / 4], 'float32');
        const offset = (t: { dataId: object }) =>
          (backend.dataIdMap.get(t.dataId) as unknown as { memoryOffset: number }).memoryOffset;
        kernels = {
          ...(instance.exports as unknown as Omit<SimdKernels, 'one' | 'pack' | 'fma'>),
          one: offset(one),
          pack: offset(pack),
          fma,
        };
      }
    } catch {
      kernels = null;
    }
  }
  loaded.set(backend, kernels);
  return kernels;
}

function winogradWriters() {
  return [writeWinogradInput(), writeWinogradInputGrad(), writeWinogradOutput(), writeWinogradOutputGrad()];
}

const enabledSwitch = processSwitch('@infomax/core/simd-kernels-enabled');

/**
 * Switches infomax's SIMD kernels on (default) or off for the process; off, the wasm training
 * kernels use their compositions of tfjs' kernels. For comparisons and as an escape hatch.
 */
export function setSimdKernelsEnabled(enabled: boolean): void {
  enabledSwitch.set(enabled);
}

/** Whether infomax's SIMD kernels are switched on for the process (see `setSimdKernelsEnabled`). */
export function simdKernelsEnabled(): boolean {
  return enabledSwitch.on();
}

/** The kernels loaded for this backend, or null (not loaded, unavailable or switched off). */
export function simdKernelsFor(backend: unknown): SimdKernels | null {
  if (!simdKernelsEnabled()) return null;
  return loaded.get(backend as object) ?? null;
}
