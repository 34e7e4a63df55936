import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@infomax/core';
import { oneDnnKernelCounts, resetOneDnnKernelCounts, unregisterOneDnnKernels } from '../src/index';
import { bothPaths, expectClose, uniform } from './reference';

interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number | [number, number];
  pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
  dilation?: number;
}

// Strides 1-2, same/valid/explicit padding, 1x1 to 5x5, batch 1 to 64, channels 1 to 256.
const SMALL: ConvCase[] = [
  { x: [1, 7, 7, 1], filter: [3, 3, 1, 4], stride: 1, pad: 'same' },
  { x: [2, 9, 8, 3], filter: [5, 5, 3, 2], stride: 2, pad: 'valid' },
  { x: [3, 6, 6, 4], filter: [1, 1, 4, 8], stride: 1, pad: 'valid' },
  { x: [2, 10, 10, 2], filter: [4, 4, 2, 3], stride: 2, pad: 'same' },
  { x: [1, 8, 9, 3], filter: [2, 3, 3, 5], stride: [2, 1], pad: 'valid' },
  { x: [2, 7, 7, 2], filter: [3, 3, 2, 2], stride: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [1, 9, 9, 2], filter: [3, 3, 2, 3], stride: 1, pad: 'same', dilation: 2 },
  // Strides that leave the last rows unused (oneDNN's padding after is then negative), and
  // strided 1x1 filters, whose oneDNN filter gradient corrupted the heap (the addon subsamples).
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 4], stride: 2, pad: 'valid' },
  { x: [3, 8, 8, 4], filter: [1, 1, 4, 6], stride: 2, pad: 'valid' },
  { x: [2, 9, 9, 3], filter: [1, 1, 3, 5], stride: 2, pad: 'same' },
  { x: [98, 8, 8, 4], filter: [1, 1, 4, 8], stride: 2, pad: 'valid' },
];
// Training-sized shapes (amdim-bench's layers and a wide 1x1), run on wasm only: the cpu
// backend's own filter gradient is far too slow for them.
const LARGE: ConvCase[] = [
  { x: [64, 32, 32, 3], filter: [3, 3, 3, 32], stride: 1, pad: 'valid' },
  { x: [64, 14, 14, 64], filter: [2, 2, 64, 128], stride: 2, pad: 'valid' },
  { x: [8, 5, 5, 256], filter: [1, 1, 256, 256], stride: 1, pad: 'valid' },
  { x: [16, 9, 9, 128], filter: [3, 3, 128, 64], stride: 1, pad: 'same' },
];

function describeCase(c: ConvCase): string {
  return `x ${c.x.join('x')}, filter ${c.filter.join('x')}, stride ${String(c.stride)}, pad ${JSON.stringify(c.pad)}${c.dilation ? `, dilation ${c.dilation}` : ''}`;
}

/** Output, input gradient and filter gradient of a loss whose upstream gradient is not uniform. */
function convAndGradients(c: ConvCase, seed: number): () => tf.Tensor[] {
  return () => {
    const x = uniform(c.x, seed) as tf.Tensor4D;
    const filter = uniform(c.filter, seed + 1) as tf.Tensor4D;
    const conv = (a: tf.Tensor4D, f: tf.Tensor4D) => tf.conv2d(a, f, c.stride, c.pad, 'NHWC', c.dilation ?? 1);
    const y = conv(x, filter);
    // tfjs has no gradient for dilated convolutions: those cases check the forward pass.
    if (c.dilation) return [y];
    const weights = uniform(y.shape, seed + 2);
    const [dx, dfilter] = tf.grads((a: tf.Tensor, f: tf.Tensor) => conv(a as tf.Tensor4D, f as tf.Tensor4D).mul(weights).sum())([x, filter]);
    return [y, dx!, dfilter!];
  };
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`oneDNN convolutions on ${backend}`, () => {
    beforeAll(() => useBackend(backend));
    afterAll(() => unregisterOneDnnKernels());

    const cases = backend === 'wasm' ? [...SMALL, ...LARGE] : SMALL;
    cases.forEach((c, i) => {
      it(`matches the ${backend} kernels and tf.grads: ${describeCase(c)}`, () => {
        resetOneDnnKernelCounts();
        const { reference, native } = bothPaths(convAndGradients(c, 10 * i));
        expectClose(reference, native, 2e-5, describeCase(c));
        const counts = oneDnnKernelCounts();
        // Dilated convolutions have no gradient kernels in tfjs; the others must all be native.
        expect(counts['Conv2D']?.native).toBeGreaterThan(0);
        if (!c.dilation) {
          expect(counts['Conv2DBackpropInput']?.native).toBe(1);
          expect(counts['Conv2DBackpropFilter']?.native).toBe(1);
        }
        expect(Object.values(counts).flatMap((k) => Object.keys(k.fallback))).toEqual([]);
      });
    });

    for (const activation of ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid'] as const) {
      it(`fuses bias and ${activation} into the convolution`, () => {
        resetOneDnnKernelCounts();
        const { reference, native } = bothPaths(() => [
          tf.fused.conv2d({
            x: uniform([2, 8, 8, 3], 1) as tf.Tensor4D,
            filter: uniform([3, 3, 3, 6], 2) as tf.Tensor4D,
            strides: 1,
            pad: 'same',
            bias: uniform([6], 3),
            activation,
            leakyreluAlpha: 0.3,
          }),
        ]);
        expectClose(reference, native, 2e-5, activation);
        expect(oneDnnKernelCounts()['FusedConv2D']).toEqual({ native: 1, fallback: {} });
      });
    }

    it('falls back, counted, for prelu activations', () => {
      resetOneDnnKernelCounts();
      const { reference, native } = bothPaths(() => [
        tf.fused.conv2d({
          x: uniform([1, 6, 6, 2], 4) as tf.Tensor4D,
          filter: uniform([3, 3, 2, 4], 5) as tf.Tensor4D,
          strides: 1,
          pad: 'same',
          activation: 'prelu',
          preluActivationWeights: uniform([4], 6),
        }),
      ]);
      expectClose(reference, native, 1e-6, 'prelu');
      expect(oneDnnKernelCounts()['FusedConv2D']).toEqual({ native: 0, fallback: { 'prelu activation': 1 } });
    });
  });
}

describe('oneDNN convolutions: fallbacks on cpu', () => {
  beforeAll(() => useBackend('cpu'));
  afterAll(() => unregisterOneDnnKernels());

  it('hands NCHW convolutions to the stock kernel and counts why', () => {
    resetOneDnnKernelCounts();
    const { reference, native } = bothPaths(() => [
      tf.conv2d(uniform([1, 2, 6, 6], 7) as tf.Tensor4D, uniform([3, 3, 2, 3], 8) as tf.Tensor4D, 1, 'same', 'NCHW'),
    ]);
    expectClose(reference, native, 1e-6, 'NCHW');
    expect(oneDnnKernelCounts()['Conv2D']).toEqual({ native: 0, fallback: { 'NCHW layout': 1 } });
  });

  it("hands a dimRoundingMode 'ceil' geometry to the stock kernel", () => {
    resetOneDnnKernelCounts();
    const { reference, native } = bothPaths(() => [
      tf.conv2d(uniform([1, 8, 8, 1], 9) as tf.Tensor4D, uniform([3, 3, 1, 1], 10) as tf.Tensor4D, 2, 1, 'NHWC', 1, 'ceil'),
    ]);
    expectClose(reference, native, 1e-6, 'ceil');
    expect(oneDnnKernelCounts()['Conv2D']).toEqual({ native: 0, fallback: { 'output size not implied by the padding': 1 } });
  });
});
