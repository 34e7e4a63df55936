import * as tf from '@tensorflow/tfjs';

/**
 * The addon's 17-number convolution geometry (native/conv2d.h, ConvGeometry), or a reason the
 * addon cannot run this convolution and the fallback should.
 */
export function convGeometry(info: tf.backend_util.Conv2DInfo): Int32Array | string {
  if (info.dataFormat !== 'channelsLast') return 'NCHW layout';
  const p = info.padInfo;
  if (Math.min(p.top, p.bottom, p.left, p.right) < 0) return 'negative padding';
  // oneDNN derives the output size from the padding; a geometry where tfjs rounds differently
  // (e.g. dimRoundingMode 'ceil') is left to the stock kernel rather than computed wrongly.
  const reach = (size: number, filter: number, dilation: number, before: number, after: number, stride: number) =>
    Math.floor((size + before + after - ((filter - 1) * dilation + 1)) / stride) + 1;
  if (
    reach(info.inHeight, info.filterHeight, info.dilationHeight, p.top, p.bottom, info.strideHeight) !== info.outHeight ||
    reach(info.inWidth, info.filterWidth, info.dilationWidth, p.left, p.right, info.strideWidth) !== info.outWidth
  ) {
    return 'output size not implied by the padding';
  }
  if (info.batchSize * info.outHeight * info.outWidth * info.outChannels === 0) return 'empty tensor';
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
    p.bottom,
    p.left,
    p.right,
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
