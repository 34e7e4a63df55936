import * as tf from '@tensorflow/tfjs';

/** One spatial axis of a forward convolution: everything its two gradients depend on. */
export interface ConvAxis {
  inSize: number;
  outSize: number;
  filterSize: number;
  stride: number;
  dilation: number;
  padBefore: number;
}

/** The height and width axes of a forward NHWC convolution. */
export function convAxes(info: tf.backend_util.Conv2DInfo): [ConvAxis, ConvAxis] {
  return [
    {
      inSize: info.inHeight,
      outSize: info.outHeight,
      filterSize: info.filterHeight,
      stride: info.strideHeight,
      dilation: info.dilationHeight,
      padBefore: info.padInfo.top,
    },
    {
      inSize: info.inWidth,
      outSize: info.outWidth,
      filterSize: info.filterWidth,
      stride: info.strideWidth,
      dilation: info.dilationWidth,
      padBefore: info.padInfo.left,
    },
  ];
}

/** A 1x1, stride-1, unpadded conv: every patch is one pixel, so there is nothing to scatter. */
export function isPointwise(info: tf.backend_util.Conv2DInfo): boolean {
  const p = info.padInfo;
  return (
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    p.top + p.bottom + p.left + p.right === 0
  );
}

/**
 * The filter gradient, dF[k] = sum_o xpad[o*stride + k*dilation] * dy[o], is a forward
 * correlation of x with dy as the filter, with stride and dilation swapped. The forward pass
 * only reads `extent` padded input positions; rows past it (floor rounding) are cropped, and the
 * rest of the padding is handed to the convolution as explicit padding.
 */
export interface FilterGradAxis {
  padBefore: number;
  padAfter: number;
  /** Input positions to keep (a prefix of the axis); equal to inSize when nothing is cropped. */
  keep: number;
}

export function filterGradAxis(a: ConvAxis): FilterGradAxis {
  const extent = (a.outSize - 1) * a.stride + (a.filterSize - 1) * a.dilation + 1;
  const after = extent - a.padBefore - a.inSize;
  return { padBefore: a.padBefore, padAfter: Math.max(0, after), keep: a.inSize + Math.min(0, after) };
}

/**
 * The input gradient of a stride-s convolution as one stride-1 convolution of dy followed by a
 * depth-to-space shuffle ("sub-pixel" form): output block i, phase r holds dx[s*i + r], and
 *   dx[s*i + r] = sum_c dy[i + c] * f_eff[r + pad - s*c]
 * over the taps c in [cMin, cMax] where the effective (dilated) filter index is in range. This
 * skips the zeros a zero-upsampled dy would multiply, and lands the phases on x's grid directly
 * (no crop unless inSize is not a multiple of the stride).
 */
export interface SubPixelAxis {
  /** Taps of the stride-1 convolution over dy. */
  taps: number;
  /** Output blocks; blocks * stride >= inSize. */
  blocks: number;
  /** The dy range the convolution reads, and the zero padding around it. */
  dyBegin: number;
  dyEnd: number;
  padBefore: number;
  padAfter: number;
  /** For tap u and phase r (index u * stride + r): the source filter index, or -1 for a zero. */
  source: Int32Array;
}

export function subPixelAxis(a: ConvAxis): SubPixelAxis {
  const s = a.stride;
  const effective = (a.filterSize - 1) * a.dilation + 1;
  const cMin = Math.ceil((a.padBefore - effective + 1) / s);
  const cMax = Math.floor((s - 1 + a.padBefore) / s);
  const taps = cMax - cMin + 1;
  const blocks = Math.ceil(a.inSize / s);
  const dyBegin = Math.max(0, cMin);
  const dyEnd = Math.min(a.outSize, blocks + cMax);
  const source = new Int32Array(taps * s);
  for (let u = 0; u < taps; u++) {
    for (let r = 0; r < s; r++) {
      const k = r + a.padBefore - s * (u + cMin);
      const inRange = k >= 0 && k < effective && k % a.dilation === 0;
      source[u * s + r] = inRange ? k / a.dilation : -1;
    }
  }
  return {
    taps,
    blocks,
    dyBegin,
    dyEnd,
    padBefore: Math.max(0, -cMin),
    padAfter: Math.max(0, blocks + cMax - a.outSize),
    source,
  };
}

/** Explicit NHWC padding in the layout tfjs' conv kernels take. */
export function explicitPadding(
  top: number,
  bottom: number,
  left: number,
  right: number,
): tf.backend_util.ExplicitPadding {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

/** Rejects NCHW with a message that says what to do, since the wasm convolutions are NHWC only. */
export function assertChannelsLast(kernelName: string, dataFormat: unknown): void {
  if (dataFormat === undefined || dataFormat === 'NHWC' || dataFormat === 'channelsLast') return;
  throw new Error(
    `infomax wasm ${kernelName}: dataFormat '${String(dataFormat)}' is not supported; ` +
      `the wasm backend convolves NHWC (channelsLast) tensors only. Transpose to NHWC or use the cpu backend.`,
  );
}
