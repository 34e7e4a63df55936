import * as tf from '@tensorflow/tfjs';
import { isPointwise } from './conv-geometry';
import type { WasmKernelScope } from './wasm-kernel-scope';

/**
 * dx of a Conv2D as col2im: one XNNPACK matrix product dy [N*OH*OW, Cout] x f^T [Cout, KH*KW*Cin]
 * gives every patch's gradient, and one ScatterNd adds the patches back onto x's pixels. It does
 * exactly the forward pass's multiply-adds, so it wins where the sub-pixel convolution would be
 * mostly padding (small maps with k > 1, e.g. 3x3 convs on 7x7 and smaller).
 */
export function col2imInputGrad(
  scope: WasmKernelScope,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: cin, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: kh, filterWidth: kw, outChannels: cout } = info;
  const patches = n * oh * ow;
  const patchSize = kh * kw * cin;
  const fT = scope.transpose(scope.reshape(filter, [patchSize, cout]), [1, 0]);
  const cols = scope.run(
    'BatchMatMul',
    { a: scope.reshape(dy, [1, patches, cout]), b: scope.reshape(fT, [1, cout, patchSize]) },
    { transposeA: false, transposeB: false },
  );
  if (isPointwise(info)) return scope.reshape(cols, info.inShape);
  const { indices, pixels } = col2imIndices(info);
  const summed = scope.run(
    'ScatterNd',
    {
      indices: scope.upload([indices.length, 1], 'int32', indices),
      updates: scope.reshape(cols, [indices.length, cin]),
    },
    { shape: [pixels, cin] },
  );
  const image = pixels === n * h * w ? summed : scope.slice(summed, [0, 0], [n * h * w, cin]);
  return scope.reshape(image, info.inShape);
}

/**
 * For each (n, oh, ow, kh, kw), the flat pixel of x it reads; taps that read padding go to one
 * scratch pixel past the end (then `pixels` is N*H*W + 1). Cached: a training loop asks for the
 * same few geometries every step.
 */
function col2imIndices(info: tf.backend_util.Conv2DInfo): { indices: Int32Array; pixels: number } {
  const key = [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  ].join(',');
  const cached = cache.get(key);
  if (cached) {
    // Refresh its place in the least-recently-used order.
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  const scratch = n * h * w;
  const indices = new Int32Array(n * oh * ow * kh * kw);
  let padded = false;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        for (let a = 0; a < kh; a++) {
          const row = y * sh + a * dh - top;
          for (let c = 0; c < kw; c++) {
            const col = x * sw + c * dw - left;
            const inside = row >= 0 && row < h && col >= 0 && col < w;
            padded ||= !inside;
            indices[o++] = inside ? (b * h + row) * w + col : scratch;
          }
        }
      }
    }
  }
  const entry = { indices, pixels: padded ? scratch + 1 : scratch };
  cache.set(key, entry);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return entry;
}

const CACHE_SIZE = 32;
const cache = new Map<string, { indices: Int32Array; pixels: number }>();
