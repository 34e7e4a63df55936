import * as tf from '@tensorflow/tfjs';

/**
 * The addon's 17-number convolution geometry (native/conv2d.h, ConvGeometry), or a reason the
 * addon cannot run this convolution and the fallback should.
 */
export function convGeometry(info: tf.backend_util.Conv2DInfo): Int32Array | string {
  if (info.dataFormat !== 'channelsLast') return 'NCHW layout';
  const p = info.padInfo;
  if (Math.min(p.top, p.left) < 0) return 'negative padding';
  if (info.batchSize * info.outHeight * info.outWidth * info.outChannels === 0) return 'empty tensor';
  // oneDNN wants the padding after to be exactly what the last window reaches, which is less
  // than tfjs's (even negative) when a stride leaves the last rows unused: (8 - 1) / 2 + 1 = 4
  // windows of a 1x1 stride-2 conv read rows 0..6 only, so padding after is -1, not 0. A
  // geometry oneDNN's primitives disagree on otherwise (its backward-weights primitive does not
  // check it and writes out of bounds) is worse than a slow one.
  const after = (outSize: number, stride: number, filter: number, dilation: number, inSize: number, before: number) =>
    (outSize - 1) * stride + (filter - 1) * dilation + 1 - inSize - before;
  const bottom = after(info.outHeight, info.strideHeight, info.filterHeight, info.dilationHeight, info.inHeight, p.top);
  const right = after(info.outWidth, info.strideWidth, info.filterWidth, info.dilationWidth, info.inWidth, p.left);
  // More than tfjs pads would read outside what tfjs's geometry reads: only 'ceil' rounding does that.
  if (bottom > p.bottom || right > p.right) return 'output size not implied by the padding';
  // Windows must still reach into the image (a pad of -filter or less would skip whole windows).
  if (bottom <= -info.strideHeight || right <= -info.strideWidth) return 'output size not implied by the padding';
  return Int32Array.of(
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    p.top,
    bottom,
    p.left,
    right,
  );
}

/** tfjs's Conv2DInfo from kernel attributes ('NHWC' / 'NCHW' as the kernels receive them). */
export function conv2dInfo(
  xShape: number[],
  filterShape: number[],
  attrs: {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat?: 'NHWC' | 'NCHW';
    dilations?: number | [number, number];
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  },
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC'),
  );
}
