import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, registerWasmTrainingKernels, Rng, useBackend } from '@infomax/core';
import { wasmTrainingKernelStatus } from '../src/backends/wasm-kernels/register-wasm-training-kernels';
import { col2imInputGrad } from '../src/backends/wasm-kernels/col2im-input-grad';
import { subPixelInputGrad } from '../src/backends/wasm-kernels/conv2d-backprop-input';
import { composeWasmKernel } from '../src/backends/wasm-kernels/wasm-kernel-scope';
import { setSimdKernelsEnabled, simdKernelsFor } from '../src/backends/wasm-simd/simd-kernels';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;

/** Runs `fn` on `backend` with fresh tensors made from the host arrays, returning host arrays. */
async function on<T extends tf.Tensor | tf.Tensor[]>(
  backend: 'cpu' | 'wasm',
  inputs: { values: Float32Array | Int32Array; shape: number[]; dtype?: 'float32' | 'int32' }[],
  fn: (...ts: tf.Tensor[]) => T,
): Promise<Float32Array[]> {
  await useBackend(backend);
  return tf.tidy(() => {
    const ts = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? 'float32'));
    const out = fn(...ts);
    return (Array.isArray(out) ? out : [out]).map((t) => Float32Array.from(t.dataSync()));
  });
}

function random(rng: Rng, shape: number[]): { values: Float32Array; shape: number[] } {
  return { values: rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape };
}

/** max |a - b| / max |reference|: the relative error of the whole tensor. */
function relativeError(reference: Float32Array, actual: Float32Array): number {
  expect(actual.length).toBe(reference.length);
  let diff = 0;
  let scale = 0;
  reference.forEach((r, i) => {
    diff = Math.max(diff, Math.abs(r - (actual[i] ?? Number.NaN)));
    scale = Math.max(scale, Math.abs(r));
  });
  return diff / Math.max(scale, 1e-12);
}

function expectClose(reference: Float32Array[], actual: Float32Array[]): void {
  expect(actual.length).toBe(reference.length);
  reference.forEach((r, i) => expect(relativeError(r, actual[i] as Float32Array)).toBeLessThanOrEqual(1e-4));
}

/** Gradients of sum(w * conv(x, f)) for random w, i.e. a random upstream dy. */
function convGrads(stride: number | [number, number], pad: Pad, depthwise = false) {
  return (x: tf.Tensor, f: tf.Tensor, w: tf.Tensor) =>
    tf.grads((xx: tf.Tensor, ff: tf.Tensor) => {
      const y = depthwise
        ? tf.depthwiseConv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, stride, pad)
        : tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, stride, pad);
      return tf.sum(tf.mul(y, w));
    })([x, f]);
}

function convOutShape(x: Shape4, f: Shape4, stride: number | [number, number], pad: Pad, depthwise: boolean) {
  const info = tf.backend_util.computeConv2DInfo(x, f, stride, 1, pad, undefined, depthwise);
  return info.outShape;
}

const CONV_CASES: { name: string; x: Shape4; f: Shape4; stride: number | [number, number]; pad: Pad }[] = [
  { name: '3x3 s1 same', x: [2, 9, 11, 3], f: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { name: '3x3 s2 same', x: [2, 9, 11, 3], f: [3, 3, 3, 4], stride: 2, pad: 'same' },
  { name: '3x3 s2 valid, odd size', x: [3, 9, 7, 5], f: [3, 3, 5, 6], stride: 2, pad: 'valid' },
  { name: '4x4 s2 valid (AMDIM block)', x: [2, 14, 14, 8], f: [4, 4, 8, 16], stride: 2, pad: 'valid' },
  { name: '4x4 s2 same', x: [2, 10, 10, 5], f: [4, 4, 5, 6], stride: 2, pad: 'same' },
  { name: '2x2 s2 valid', x: [2, 8, 8, 16], f: [2, 2, 16, 8], stride: 2, pad: 'valid' },
  { name: '1x1 s1 valid (pointwise)', x: [3, 6, 5, 7], f: [1, 1, 7, 9], stride: 1, pad: 'valid' },
  { name: '1x1 s2 valid', x: [2, 7, 7, 4], f: [1, 1, 4, 5], stride: 2, pad: 'valid' },
  { name: '5x5 s1 same, non-square image', x: [2, 9, 13, 2], f: [5, 5, 2, 3], stride: 1, pad: 'same' },
  { name: '3x2 kernel, strides [2, 1]', x: [2, 9, 8, 3], f: [3, 2, 3, 4], stride: [2, 1], pad: 'valid' },
  { name: '5x5 strides [3, 2] valid', x: [2, 11, 10, 3], f: [5, 5, 3, 4], stride: [3, 2], pad: 'valid' },
  { name: '3x3 s1 valid, 64 channels, small map', x: [2, 5, 5, 64], f: [3, 3, 64, 64], stride: 1, pad: 'valid' },
  { name: '3x3 s1 same, 1 channel', x: [4, 8, 8, 1], f: [3, 3, 1, 1], stride: 1, pad: 'same' },
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
];

const DEPTHWISE_CASES: { name: string; x: Shape4; f: Shape4; stride: number | [number, number]; pad: Pad }[] = [
  { name: '3x3 s1 same, multiplier 1', x: [2, 9, 11, 3], f: [3, 3, 3, 1], stride: 1, pad: 'same' },
  { name: '3x3 s2 same, multiplier 2', x: [2, 9, 11, 3], f: [3, 3, 3, 2], stride: 2, pad: 'same' },
  { name: '5x5 s1 valid, multiplier 3', x: [3, 9, 9, 4], f: [5, 5, 4, 3], stride: 1, pad: 'valid' },
  { name: '2x3 kernel s2 valid', x: [2, 8, 9, 16], f: [2, 3, 16, 1], stride: 2, pad: 'valid' },
  { name: '1x1 s1 valid, 32 channels', x: [2, 4, 4, 32], f: [1, 1, 32, 2], stride: 1, pad: 'valid' },
];

describe('wasm training kernels', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    registerWasmTrainingKernels();
  });

  it('registers every missing kernel and the faster input gradient, idempotently', () => {
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    expect(wasmTrainingKernelStatus()).toEqual({
      Conv2DBackpropFilter: 'infomax',
      DepthwiseConv2dNativeBackpropFilter: 'infomax',
      DepthwiseConv2dNativeBackpropInput: 'infomax',
      UnsortedSegmentSum: 'infomax',
      InfomaxAdamUpdate: 'infomax',
      InfomaxReluGrad: 'infomax',
      InfomaxBatchNormStatistics: 'infomax',
      InfomaxBatchNormApply: 'infomax',
      InfomaxBatchNormGrad: 'infomax',
      Conv2DBackpropInput: 'infomax',
      BatchMatMul: 'infomax',
      _FusedMatMul: 'infomax',
      Slice: 'infomax',
      SplitV: 'infomax',
      Unpack: 'infomax',
      StridedSlice: 'infomax',
      Identity: 'infomax',
      Cast: 'infomax',
      AvgPool: 'infomax',
      AvgPoolGrad: 'infomax',
      Tile: 'infomax',
      Sum: 'infomax',
      Mean: 'infomax',
      Conv2D: 'infomax',
      GatherV2: 'infomax',
      Add: 'infomax',
      Relu: 'infomax',
      PadV2: 'infomax',
    });
  });

  it('loads the SIMD kernels (gemm, im2col, col2im) on the wasm backend', () => {
    const kernels = simdKernelsFor(tf.backend());
    expect(kernels).not.toBeNull();
    expect(typeof kernels?.gemm).toBe('function');
  });

  // With infomax's SIMD kernels (im2col / col2im + gemm) and without them (compositions of
  // XNNPACK-backed tfjs kernels, the fallback where wasm SIMD is missing).
  for (const simd of [true, false]) {
    describe(`conv2d and its gradients match the cpu backend (${simd ? 'SIMD gemm' : 'tfjs compositions'})`, () => {
      const rng = new Rng('conv2d');
      afterAll(() => setSimdKernelsEnabled(true));
      for (const c of CONV_CASES) {
        it(c.name, async () => {
          const dy = random(rng, convOutShape(c.x, c.f, c.stride, c.pad, false));
          const inputs = [random(rng, c.x), random(rng, c.f), dy];
          const grads = convGrads(c.stride, c.pad);
          const both = (x: tf.Tensor, f: tf.Tensor, w: tf.Tensor) => [
            tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad),
            ...grads(x, f, w),
          ];
          const reference = await on('cpu', inputs, both);
          setSimdKernelsEnabled(simd);
          expectClose(reference, await on('wasm', inputs, both));
          setSimdKernelsEnabled(true);
        });
      }
    });
  }

  describe('both input-gradient forms match the cpu backend', () => {
    const rng = new Rng('input-grad-forms');
    for (const c of CONV_CASES) {
      it(c.name, async () => {
        const [dy, f] = [random(rng, convOutShape(c.x, c.f, c.stride, c.pad, false)), random(rng, c.f)];
        const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x } as unknown as tf.NamedAttrMap;
        const [reference] = await on(
          'cpu',
          [dy, f],
          (d, ff) => tf.engine().runKernel('Conv2DBackpropInput', { dy: d, filter: ff }, attrs) as tf.Tensor,
        );
        await useBackend('wasm');
        const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.stride, 1, c.pad);
        for (const form of [col2imInputGrad, subPixelInputGrad]) {
          const actual = tf.tidy(() => {
            const [d, ff] = [tf.tensor(dy.values, dy.shape), tf.tensor(f.values, f.shape)];
            const info4 = composeWasmKernel(tf.backend(), (scope) => form(scope, d, ff, info));
            const out = tf.engine().makeTensorFromTensorInfo(info4);
            return Float32Array.from(out.dataSync());
          });
          expect(relativeError(reference as Float32Array, actual), form.name).toBeLessThanOrEqual(1e-4);
        }
      });
    }
  });

  describe('depthwise conv2d gradients match the cpu backend', () => {
    const rng = new Rng('depthwise');
    for (const c of DEPTHWISE_CASES) {
      it(c.name, async () => {
        const dy = random(rng, convOutShape(c.x, c.f, c.stride, c.pad, true));
        const inputs = [random(rng, c.x), random(rng, c.f), dy];
        const grads = convGrads(c.stride, c.pad, true);
        expectClose(await on('cpu', inputs, grads), await on('wasm', inputs, grads));
      });
    }
  });

  it('supports dilated depthwise gradients (cpu reference: the zero-dilated filter)', async () => {
    // tfjs' ops refuse dilated depthwise gradients and its cpu kernels ignore the dilation, so
    // the reference is the undilated kernel on a filter with the zeros written out.
    const rng = new Rng('dilated');
    const d = 2;
    const x = random(rng, [2, 12, 11, 4]);
    const f = random(rng, [3, 3, 4, 2]);
    const dilatedShape: Shape4 = [5, 5, 4, 2];
    const dilated = new Float32Array(5 * 5 * 4 * 2);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++)
        for (let k = 0; k < 8; k++) dilated[((a * d * 5 + b * d) * 8) + k] = f.values[(a * 3 + b) * 8 + k] ?? 0;
    const dy = random(rng, [2, 12, 11, 8]);
    const run = (filterShape: Shape4, dilations: number) => (xx: tf.Tensor, ff: tf.Tensor, dd: tf.Tensor) => {
      const attrs = { strides: 1, pad: 'same', dilations } as unknown as tf.NamedAttrMap;
      const e = tf.engine();
      const inputShape = x.shape;
      return [
        e.runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xx, dy: dd }, { ...attrs, filterShape }) as tf.Tensor,
        e.runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dd, filter: ff }, { ...attrs, inputShape }) as tf.Tensor,
      ];
    };
    const dilatedFilter = { values: dilated, shape: dilatedShape };
    const [refFilter, refInput] = await on('cpu', [x, dilatedFilter, dy], run(dilatedShape, 1));
    const [wasmFilter, wasmInput] = await on('wasm', [x, f, dy], run(f.shape as Shape4, d));
    const sampled = new Float32Array(3 * 3 * 8);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++)
        for (let k = 0; k < 8; k++) sampled[(a * 3 + b) * 8 + k] = refFilter?.[((a * d * 5 + b * d) * 8) + k] ?? 0;
    expectClose([sampled, refInput as Float32Array], [wasmFilter as Float32Array, wasmInput as Float32Array]);
  });

  describe('UnsortedSegmentSum', () => {
    it('matches the cpu backend, adding duplicates and dropping ids out of range', async () => {
      const rng = new Rng('segments');
      const x = random(rng, [40, 3, 5]);
      // Ids -2..10 against 9 segments: repeats, and some out of range at both ends.
      const idValues = Int32Array.from({ length: 40 }, (_, i) => ((i * 7) % 13) - 2);
      const ids = { values: idValues, shape: [40], dtype: 'int32' as const };
      const sum = (xx: tf.Tensor, ii: tf.Tensor) => tf.unsortedSegmentSum(xx, ii as tf.Tensor1D, 9);
      const [reference] = await on('cpu', [x, ids], sum);
      const [actual] = await on('wasm', [x, ids], sum);
      expect(relativeError(reference as Float32Array, actual as Float32Array)).toBeLessThanOrEqual(1e-6);
    });

    it('sums by hand-checked segments, int32 and multi-dimensional ids included', async () => {
      await useBackend('wasm');
      const rows = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
      const floats = tf.unsortedSegmentSum(rows, tf.tensor1d([2, 0, 2, 5], 'int32'), 3);
      expect(floats.arraySync()).toEqual([[3, 4], [0, 0], [6, 8]]);
      const ints = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], 'int32'), tf.tensor1d([1, 1, 0, 1], 'int32'), 2);
      expect(ints.dtype).toBe('int32');
      expect(ints.arraySync()).toEqual([3, 7]);
      const matrixIds = tf.engine().runKernel(
        'UnsortedSegmentSum',
        { x: tf.tensor3d([[[1], [2]], [[3], [4]]]), segmentIds: tf.tensor2d([[0, 1], [1, 1]], [2, 2], 'int32') },
        { numSegments: 2 },
      ) as tf.Tensor;
      expect(matrixIds.arraySync()).toEqual([[1], [9]]);
      tf.dispose([floats, ints, matrixIds]);
    });

    it('is the gather gradient (axis 0 and 1, repeated indices) as on cpu', async () => {
      const rng = new Rng('gather');
      const params = random(rng, [6, 5, 3]);
      const indices = { values: Int32Array.from([4, 1, 1, 0, 4, 4, 2]), shape: [7], dtype: 'int32' as const };
      for (const axis of [0, 1]) {
        const w = random(rng, axis === 0 ? [7, 5, 3] : [6, 7, 3]);
        const grad = (p: tf.Tensor, i: tf.Tensor, ww: tf.Tensor) =>
          tf.grad((pp: tf.Tensor) => tf.sum(tf.mul(tf.gather(pp, i as tf.Tensor1D, axis), ww)))(p);
        expectClose(await on('cpu', [params, indices, w], grad), await on('wasm', [params, indices, w], grad));
      }
    });
  });

  it('rejects NCHW filter gradients with a clear message, and keeps NCHW input gradients working', async () => {
    await useBackend('wasm');
    const x = tf.ones([1, 2, 5, 5]);
    const dy = tf.ones([1, 3, 3, 3]);
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: 1,
        pad: 'valid',
        dataFormat: 'NCHW',
        filterShape: [3, 3, 2, 3],
      } as unknown as tf.NamedAttrMap),
    ).toThrow(/dataFormat 'NCHW' is not supported.*NHWC/);
    tf.dispose([x, dy]);

    const rng = new Rng('nchw');
    const [dyN, f] = [random(rng, [2, 4, 3, 3]), random(rng, [3, 3, 3, 4])];
    const attrs = { strides: 1, pad: 'valid', dataFormat: 'NCHW', inputShape: [2, 3, 5, 5] };
    const run = (d: tf.Tensor, ff: tf.Tensor) =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy: d, filter: ff }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    expectClose(await on('cpu', [dyN, f], run), await on('wasm', [dyN, f], run));
  });

  it('frees every intermediate on the wasm heap', async () => {
    await useBackend('wasm');
    const backend = tf.backend();
    const x = tf.randomNormal([2, 9, 9, 3]) as tf.Tensor4D;
    const f = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const fd = tf.randomNormal([3, 3, 3, 2]) as tf.Tensor4D;
    const params = tf.randomNormal([4, 5]);
    const indices = tf.tensor1d([0, 3, 3, 9], 'int32');
    const step = () => {
      const [a, b] = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
        tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, 2, 'same').sum(),
      )([x, f]);
      const [c, d] = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
        tf.depthwiseConv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, 2, 'same').sum(),
      )([x, fd]);
      const e = tf.unsortedSegmentSum(params, indices, 4);
      tf.dispose([a, b, c, d, e]);
    };
    step();
    const before = backend.numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(backend.numDataIds()).toBe(before);
    await expectNoLeakedTensors(step, { label: 'wasm conv gradients' });
    tf.dispose([x, f, fd, params, indices]);
  });

  it('trains a small conv net: the loss falls over 20 Adam steps, without leaks', async () => {
    await useBackend('wasm');
    const rng = new Rng('train');
    const count = 256;
    // Images of 10x10: a bright 3x3 blob left (label 0) or right (label 1) of centre, plus noise.
    const pixels = rng.normalArray(count * 100, 0, 0.3);
    const labels = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const right = rng.bernoulli(0.5);
      labels[i] = right ? 1 : 0;
      const row = rng.int(0, 7);
      const col = right ? rng.int(5, 7) : rng.int(0, 2);
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) pixels[i * 100 + (row + a) * 10 + col + b]! += 1;
    }
    const xs = tf.tensor4d(pixels, [count, 10, 10, 1]);
    const ys = tf.tensor2d(labels, [count, 1]);
    const init = (shape: number[], fanIn: number) => {
      const values = rng.normalArray(shape.reduce((a, b) => a * b));
      return tf.variable(tf.tensor(values, shape).mul(Math.sqrt(2 / fanIn)));
    };
    const w1 = init([3, 3, 1, 8], 9);
    const w2 = init([3, 3, 8, 8], 72);
    const dense = init([4 * 4 * 8, 1], 128);
    const bias = tf.variable(tf.zeros([1]));
    const loss = () =>
      tf.tidy(() => {
        const h1 = tf.relu(tf.conv2d(xs, w1 as tf.Variable<tf.Rank.R4>, 1, 'same'));
        const h2 = tf.relu(tf.conv2d(h1, w2 as tf.Variable<tf.Rank.R4>, 2, 'valid'));
        const logits = tf.add(tf.matMul(h2.reshape([count, 4 * 4 * 8]), dense), bias);
        return tf.losses.sigmoidCrossEntropy(ys, logits) as tf.Scalar;
      });
    const optimizer = tf.train.adam(0.02);
    const step = () => {
      const value = optimizer.minimize(loss, true, [w1, w2, dense, bias]);
      const out = value?.dataSync()[0] ?? Number.NaN;
      value?.dispose();
      return out;
    };
    const losses = [step()];
    for (let i = 1; i < 20; i++) losses.push(step());
    const first = losses[0] ?? Number.NaN;
    const last = losses[losses.length - 1] ?? Number.NaN;
    expect(Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(0.5 * first);
    await expectNoLeakedTensors(step, { label: 'conv net Adam step' });
    optimizer.dispose();
    tf.dispose([xs, ys, w1, w2, dense, bias]);
  });
});
