import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, Rng, setWasmGemmThreads, useBackend } from '@infomax/core';
import { nodeHelperLauncher } from '@infomax/core/node';
import { conv2dBackpropInputWasm, gemmInputGradForm, inputGradForm } from '../src/backends/wasm-kernels/conv2d-backprop-input';
import { walkPatches } from '../src/backends/wasm-kernels/conv-gemm';
import { gemmInputGrad } from '../src/backends/wasm-kernels/gemm-input-grad';
import { filterGradTransposed } from '../src/backends/wasm-kernels/im2col-filter-grad';
import { gemmSubPixelInputGrad } from '../src/backends/wasm-kernels/gemm-sub-pixel-input-grad';
import { composeWasmKernel } from '../src/backends/wasm-kernels/wasm-kernel-scope';
import { simdKernelsFor, type SimdKernels } from '../src/backends/wasm-simd/simd-kernels';
import { registerHelperLauncher } from '../src/backends/wasm-threads/helper-launcher';
import type { PatchGeometry } from '../src/backends/wasm-threads/threaded-kernels';
import { zeroBytes } from '../src/backends/wasm-threads/zero-bytes';
import { expectClose, on, random, relativeError, type HostTensor } from './wasm-test-utils';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;

/** Thresholds that send every convolution here to the helper threads. */
const EVERY_PRODUCT = { minMacs: 1, wakeMinMacs: 1, macsPerByte: 0 };
const THREADS = [1, 2] as const;

/**
 * Visits every entry of an NHWC conv's patch matrix in order: its index and the flat index of
 * the pixel value it reads, or -1 for a padding tap. Plain loops: the reference walk.
 */
function walkPatchEntries(g: PatchGeometry, visit: (entry: number, pixel: number) => void): void {
  let o = 0;
  for (let b = 0; b < g.n; b++)
    for (let y = 0; y < g.oh; y++)
      for (let xo = 0; xo < g.ow; xo++)
        for (let i = 0; i < g.kh; i++)
          for (let j = 0; j < g.kw; j++) {
            const iy = y * g.sh - g.padTop + i * g.dh;
            const ix = xo * g.sw - g.padLeft + j * g.dw;
            const inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
            for (let ch = 0; ch < g.c; ch++, o++) visit(o, inside ? ((b * g.h + iy) * g.w + ix) * g.c + ch : -1);
          }
}

/** The patch matrix of an NHWC conv on the host (the reference). */
function hostIm2col(x: Float32Array, g: PatchGeometry): Float32Array {
  const out = new Float32Array(g.n * g.oh * g.ow * g.kh * g.kw * g.c);
  walkPatchEntries(g, (o, pixel) => {
    out[o] = pixel < 0 ? 0 : (x[pixel] ?? 0);
  });
  return out;
}

/** The adjoint of `hostIm2col`: each patch entry added back onto the pixel it reads. */
function hostCol2im(cols: Float32Array, g: PatchGeometry): Float32Array {
  const dx = new Float32Array(g.n * g.h * g.w * g.c);
  walkPatchEntries(g, (o, pixel) => {
    if (pixel >= 0) dx[pixel]! += cols[o] ?? 0;
  });
  return dx;
}

/** C [m, n] = op(A) B in float64: A is stored [m, k], or [k, m] when `transposeA`; B is [k, n]. */
function product(a: Float32Array, b: Float32Array, m: number, n: number, k: number, transposeA = false): Float32Array {
  const [rowStride, depthStride] = transposeA ? [1, m] : [k, 1];
  const c = new Float32Array(m * n);
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let l = 0; l < k; l++) {
      const v = a[i * rowStride + l * depthStride] ?? 0;
      for (let j = 0; j < n; j++) row[j]! += v * (b[l * n + j] ?? 0);
    }
    c.set(row, i * n);
  }
  return c;
}

function geometry(x: Shape4, k: [number, number], s: [number, number], pad: [number, number], d: [number, number], out: [number, number]): PatchGeometry {
  const [n, h, w, c] = x;
  return { n, h, w, c, kh: k[0], kw: k[1], oh: out[0], ow: out[1], sh: s[0], sw: s[1], padTop: pad[0], padLeft: pad[1], dh: d[0], dw: d[1] };
}

/** Byte offset of a wasm tensor's data in the heap. */
function heapOffset(t: tf.Tensor): number {
  const backend = tf.backend() as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } };
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/** Runs one patch walk on wasm tensors: `image` and `cols` start as the given host values. */
function walk(kernels: SimdKernels, kind: 'im2col' | 'col2im' | 'col2imStore', image: Float32Array, cols: Float32Array, g: PatchGeometry) {
  const [ti, tc] = [tf.tensor(image), tf.tensor(cols)];
  walkPatches(kernels[kind], heapOffset(ti), heapOffset(tc), g);
  const result = { image: Float32Array.from(ti.dataSync()), cols: Float32Array.from(tc.dataSync()) };
  tf.dispose([ti, tc]);
  return result;
}

describe('zeroBytes', () => {
  it('zeroes exactly the range asked for, aligned or not, on a shared buffer', () => {
    const bytes = new Uint8Array(new SharedArrayBuffer(64)).fill(7);
    zeroBytes(bytes.buffer, 8, 16);
    zeroBytes(bytes.buffer, 29, 6);
    expect(Array.from(bytes).map((b, i) => (b === 0 ? i : -1)).filter((i) => i >= 0)).toEqual([
      8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 29, 30, 31, 32, 33, 34,
    ]);
  });
});

describe('SIMD patch walks', () => {
  let kernels: SimdKernels;
  beforeAll(async () => {
    await useBackend('wasm');
    kernels = simdKernelsFor(tf.backend())!;
    expect(kernels).not.toBeNull();
  });

  // Tap rows that are whole runs (dilation 1, inside), cut by padding on either side, dilated,
  // and runs of 3 channels (an RGB stem) and of odd lengths.
  const cases: { name: string; g: PatchGeometry }[] = [
    { name: '3x3 s1 valid, 3 channels', g: geometry([2, 7, 6, 3], [3, 3], [1, 1], [0, 0], [1, 1], [5, 4]) },
    { name: '3x3 s1 same, 5 channels', g: geometry([1, 6, 7, 5], [3, 3], [1, 1], [1, 1], [1, 1], [6, 7]) },
    { name: '4x4 s2, padded left and right', g: geometry([2, 9, 9, 4], [4, 4], [2, 2], [1, 2], [1, 1], [4, 5]) },
    { name: '3x2 dilated 2x3, strides [2, 1]', g: geometry([1, 11, 12, 6], [3, 2], [2, 1], [1, 2], [2, 3], [5, 11]) },
    { name: '2x2 s2 (non-overlapping, odd size)', g: geometry([2, 7, 9, 7], [2, 2], [2, 2], [0, 0], [1, 1], [4, 5]) },
  ];
  for (const { name, g } of cases) {
    it(`im2col and col2im match the host loops: ${name}`, () => {
      const rng = new Rng(name);
      const image = rng.normalArray(g.n * g.h * g.w * g.c);
      const colsSize = g.n * g.oh * g.ow * g.kh * g.kw * g.c;
      const noise = rng.normalArray(colsSize);
      const cols = walk(kernels, 'im2col', image, noise, g).cols;
      expect(Array.from(cols)).toEqual(Array.from(hostIm2col(image, g)));
      // col2im writes the sum: whatever dx held before is gone.
      const summed = walk(kernels, 'col2im', rng.normalArray(image.length), noise, g).image;
      expect(relativeError(hostCol2im(noise, g), summed)).toBeLessThanOrEqual(1e-6);
    });
  }

  it('col2imStore writes every pixel of non-overlapping patches once, dropping what runs past the image', () => {
    // Blocks of 2x3 phases on a 7x8 image: 4x3 blocks, the last row and column partly outside.
    const g = geometry([2, 7, 8, 3], [2, 3], [2, 3], [0, 0], [1, 1], [4, 3]);
    const rng = new Rng('store');
    const cols = rng.normalArray(g.n * g.oh * g.ow * g.kh * g.kw * g.c);
    const stored = walk(kernels, 'col2imStore', new Float32Array(g.n * g.h * g.w * g.c).fill(Number.NaN), cols, g).image;
    expect(Array.from(stored)).toEqual(Array.from(hostCol2im(cols, g)));
  });
});

/** The gemm's last rows (gemmTail): products with 1 to 27 rows, on 1 and 2 threads. */
describe('SIMD gemm with few rows', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    registerHelperLauncher(nodeHelperLauncher);
  });
  afterAll(() => setWasmGemmThreads(1));

  for (const m of [1, 2, 3, 5, 6, 7, 27]) {
    it(`matches the cpu matMul for [${m}, 70]^T-read x [70, 19] and [${m}, 33] x [33, 40]`, async () => {
      const rng = new Rng(m);
      const inputs = [random(rng, [70, m]), random(rng, [70, 19]), random(rng, [m, 33]), random(rng, [33, 40])];
      const fn = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor, w: tf.Tensor) => [tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, true), tf.matMul(z as tf.Tensor2D, w as tf.Tensor2D)];
      const reference = await on('cpu', inputs, fn);
      for (const threads of THREADS) {
        setWasmGemmThreads(threads, EVERY_PRODUCT);
        expectClose(reference, await on('wasm', inputs, fn), 1e-5);
      }
    });
  }
});

interface ConvCase {
  name: string;
  x: Shape4;
  f: Shape4;
  stride: number | [number, number];
  pad: Pad;
}

/** AMDIM's shapes (batch cut to 1-2) and geometries where the stride does not divide the size. */
const CASES: ConvCase[] = [
  { name: 'AMDIM 4x4 s2 valid 32->64, batch 2', x: [2, 30, 30, 32], f: [4, 4, 32, 64], stride: 2, pad: 'valid' },
  { name: 'AMDIM 2x2 s2 valid 64->128, batch 1', x: [1, 14, 14, 64], f: [2, 2, 64, 128], stride: 2, pad: 'valid' },
  { name: 'AMDIM 3x3 s1 valid 128->128 on 5x5, batch 2', x: [2, 5, 5, 128], f: [3, 3, 128, 128], stride: 1, pad: 'valid' },
  { name: '4x4 s2 valid, odd size (stride does not divide)', x: [1, 31, 29, 8], f: [4, 4, 8, 12], stride: 2, pad: 'valid' },
  { name: '4x4 s2 same, odd size', x: [2, 13, 11, 6], f: [4, 4, 6, 10], stride: 2, pad: 'same' },
  { name: '3x3 s2 same', x: [2, 9, 11, 3], f: [3, 3, 3, 4], stride: 2, pad: 'same' },
  { name: '5x5 strides [3, 2] valid', x: [2, 11, 10, 3], f: [5, 5, 3, 4], stride: [3, 2], pad: 'valid' },
  { name: '3x3 s1 same, 5 channels', x: [2, 8, 7, 5], f: [3, 3, 5, 7], stride: 1, pad: 'same' },
  { name: '1x1 s2 valid', x: [2, 7, 7, 4], f: [1, 1, 4, 5], stride: 2, pad: 'valid' },
  {
    name: '3x3 s2 explicit padding',
    x: [2, 9, 11, 3],
    f: [3, 3, 3, 4],
    stride: 2,
    pad: [
      [0, 0],
      [2, 1],
      [0, 3],
      [0, 0],
    ],
  },
  {
    // Padding wider than the filter: the first rows and columns of dy only ever see padding.
    name: '3x3 s2 padding wider than the filter (crops dy)',
    x: [2, 9, 11, 3],
    f: [3, 3, 3, 4],
    stride: 2,
    pad: [
      [0, 0],
      [4, 1],
      [5, 0],
      [0, 0],
    ],
  },
];

function outShape(c: ConvCase): number[] {
  return tf.backend_util.computeConv2DInfo(c.x, c.f, c.stride, 1, c.pad).outShape;
}

describe('input-gradient forms on the SIMD gemm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    registerHelperLauncher(nodeHelperLauncher);
  });
  afterAll(() => setWasmGemmThreads(1));

  for (const c of CASES) {
    it(`col2im and sub-pixel forms match the cpu backend on 1 and 2 threads: ${c.name}`, async () => {
      const rng = new Rng(c.name);
      const [dy, f] = [random(rng, outShape(c)), random(rng, c.f)];
      const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x } as unknown as tf.NamedAttrMap;
      const [reference] = await on('cpu', [dy, f], (d, ff) => tf.engine().runKernel('Conv2DBackpropInput', { dy: d, filter: ff }, attrs) as tf.Tensor);
      const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.stride, 1, c.pad, undefined, false, 'channelsLast');
      for (const threads of THREADS) {
        setWasmGemmThreads(threads, EVERY_PRODUCT);
        await useBackend('wasm');
        const kernels = simdKernelsFor(tf.backend())!;
        for (const form of [gemmInputGrad, gemmSubPixelInputGrad]) {
          const actual = tf.tidy(() => {
            const [d, ff] = [tf.tensor(dy.values, dy.shape), tf.tensor(f.values, f.shape)];
            const out = composeWasmKernel(tf.backend(), (scope) => form(scope, kernels, d, ff, info));
            return Float32Array.from(tf.engine().makeTensorFromTensorInfo(out).dataSync());
          });
          expect(relativeError(reference!, actual), `${form.name}, ${threads} thread(s)`).toBeLessThanOrEqual(1e-5);
        }
      }
    });
  }

  it('picks each form where it measured faster', () => {
    const info = (x: Shape4, f: Shape4, stride: number, pad: 'same' | 'valid' = 'valid') => tf.backend_util.computeConv2DInfo(x, f, stride, 1, pad);
    const amdim = [info([32, 30, 30, 32], [4, 4, 32, 64], 2), info([32, 14, 14, 64], [2, 2, 64, 128], 2), info([32, 5, 5, 128], [3, 3, 128, 128], 1)];
    // The SIMD gemm: col2im's scatter is cheap, so only filters whose patches do not overlap
    // (kernel = stride) and stride-1 'same' convs go sub-pixel.
    expect(amdim.map(gemmInputGradForm)).toEqual(['col2im', 'sub-pixel', 'col2im']);
    expect(gemmInputGradForm(info([32, 15, 15, 32], [3, 3, 32, 32], 1, 'same'))).toBe('sub-pixel');
    expect(gemmInputGradForm(info([32, 30, 30, 32], [4, 4, 32, 64], 2, 'same'))).toBe('col2im');
    expect(gemmInputGradForm(info([64, 30, 30, 32], [1, 1, 32, 32], 1))).toBe('col2im');
    // The compositions of tfjs kernels, whose ScatterNd is dear.
    expect(amdim.map(inputGradForm)).toEqual(['sub-pixel', 'sub-pixel', 'col2im']);
  });

  it('runs either form for Conv2DBackpropInput and leaks nothing', async () => {
    setWasmGemmThreads(2, EVERY_PRODUCT);
    await useBackend('wasm');
    const rng = new Rng('leaks');
    // 4x4 stride 2 goes col2im, 2x2 stride 2 sub-pixel (see the test above).
    for (const [dyShape, fShape, inputShape] of [
      [[2, 14, 14, 16], [4, 4, 8, 16], [2, 30, 30, 8]],
      [[2, 7, 7, 16], [2, 2, 8, 16], [2, 14, 14, 8]],
    ] as const) {
      const dy = tf.tensor(rng.normalArray(dyShape.reduce((a, b) => a * b, 1)), [...dyShape]);
      const f = tf.tensor(rng.normalArray(fShape.reduce((a, b) => a * b, 1)), [...fShape]);
      const attrs = { strides: 2, pad: 'valid', dataFormat: 'NHWC', inputShape };
      const run = () => {
        const info = conv2dBackpropInputWasm({ inputs: { dy, filter: f }, backend: tf.backend(), attrs } as unknown as Parameters<typeof conv2dBackpropInputWasm>[0]);
        tf.engine().makeTensorFromTensorInfo(info).dispose();
      };
      await expectNoLeakedTensors(run);
      // The kernel's own intermediates (filter shuffles, patch matrices, scratch) are freed too.
      const dataIds = tf.backend().numDataIds();
      run();
      expect(tf.backend().numDataIds()).toBe(dataIds);
      tf.dispose([dy, f]);
    }
  });
});

describe('convolutions and their gradients on the SIMD gemm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    registerHelperLauncher(nodeHelperLauncher);
  });
  afterAll(() => setWasmGemmThreads(1));

  /** AMDIM's filter-gradient and stem shapes, batch 1 (x, filter, stride). */
  const amdim: [Shape4, Shape4, number][] = [
    [[1, 14, 14, 64], [1, 1, 64, 64], 1],
    [[1, 32, 32, 3], [3, 3, 3, 32], 1],
    [[1, 14, 14, 64], [2, 2, 64, 128], 2],
    [[1, 30, 30, 32], [4, 4, 32, 64], 2],
    [[1, 7, 7, 128], [3, 3, 128, 128], 1],
    // Enough patches (>= 1024) for the transposed product dF^T = dy^T patches.
    [[6, 30, 30, 8], [4, 4, 8, 16], 2],
    [[21, 14, 14, 32], [2, 2, 32, 64], 2],
    [[41, 7, 7, 16], [3, 3, 16, 32], 1],
  ];
  for (const [x, f, stride] of amdim) {
    it(`Conv2D and Conv2DBackpropFilter match a float64 reference on 1 and 2 threads: x [${x}], filter [${f}], stride ${stride}`, async () => {
      const c: ConvCase = { name: '', x, f, stride, pad: 'valid' };
      const dyShape = outShape(c);
      const rng = new Rng(`amdim ${x} ${f}`);
      const inputs: HostTensor[] = [random(rng, x), random(rng, f), random(rng, dyShape)];
      // As products of the patch matrix: out = cols f, dF = cols^T dy (the cpu kernels take seconds here).
      const g = geometry(x, [f[0], f[1]], [stride, stride], [0, 0], [1, 1], [dyShape[1]!, dyShape[2]!]);
      const cols = hostIm2col(inputs[0]!.values as Float32Array, g);
      const [p, k, cout] = [g.n * g.oh * g.ow, f[0] * f[1] * f[2], f[3]];
      const forward = product(cols, inputs[1]!.values as Float32Array, p, cout, k);
      const filterGrad = product(cols, inputs[2]!.values as Float32Array, k, cout, p, true);
      const attrs = { strides: stride, pad: 'valid', dataFormat: 'NHWC', filterShape: f } as unknown as tf.NamedAttrMap;
      const fn = (xx: tf.Tensor, ff: tf.Tensor, dy: tf.Tensor) => [
        tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, stride, 'valid'),
        tf.engine().runKernel('Conv2DBackpropFilter', { x: xx, dy }, attrs) as tf.Tensor,
      ];
      for (const threads of THREADS) {
        setWasmGemmThreads(threads, EVERY_PRODUCT);
        expectClose([forward, filterGrad], await on('wasm', inputs, fn), 1e-5);
      }
    });
  }

  it('computes dF^T where the patch is long next to Cout and there are many patches', () => {
    const transposed = (x: Shape4, f: Shape4, stride: number) => filterGradTransposed(tf.backend_util.computeConv2DInfo(x, f, stride, 1, 'valid'));
    expect(amdim.map(([x, f, stride]) => transposed(x, f, stride))).toEqual([false, false, false, false, false, true, true, true]);
    // AMDIM at batch 32: the 1x1 and the RGB stem keep dF, and so do the 800 patches of the
    // 3x3 on 7x7 maps; at batch 64 (1600 patches) that one is transposed.
    expect(amdim.slice(0, 5).map(([[, h, w, c], f, stride]) => transposed([32, h, w, c], f, stride))).toEqual([false, false, true, true, false]);
    expect(transposed([64, 7, 7, 128], [3, 3, 128, 128], 1)).toBe(true);
    expect(transposed([32, 3, 3, 128], [3, 3, 128, 256], 1)).toBe(false);
  });

  const gradCases: ConvCase[] = [
    ...CASES.filter((c) => !c.name.startsWith('AMDIM')),
    { name: 'AMDIM 4x4 s2 valid, 8->16 channels', x: [2, 30, 30, 8], f: [4, 4, 8, 16], stride: 2, pad: 'valid' },
    { name: 'stem 3x3 s1 valid, 3 channels', x: [2, 12, 12, 3], f: [3, 3, 3, 32], stride: 1, pad: 'valid' },
  ];
  for (const c of gradCases) {
    it(`forward and both gradients through tf.grads match the cpu backend on 1 and 2 threads: ${c.name}`, async () => {
      const rng = new Rng(`grads ${c.name}`);
      const inputs: HostTensor[] = [random(rng, c.x), random(rng, c.f), random(rng, outShape(c))];
      const fn = (x: tf.Tensor, f: tf.Tensor, w: tf.Tensor) => {
        const conv = (xx: tf.Tensor, ff: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.stride, c.pad);
        return [conv(x, f), ...tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.mul(conv(xx, ff), w)))([x, f])];
      };
      const reference = await on('cpu', inputs, fn);
      for (const threads of THREADS) {
        setWasmGemmThreads(threads, EVERY_PRODUCT);
        expectClose(reference, await on('wasm', inputs, fn), 1e-4);
      }
    });
  }
});
