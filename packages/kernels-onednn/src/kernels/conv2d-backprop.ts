import type * as tf from '@tensorflow/tfjs';
import { conv2dInfo, convGeometry } from '../conv-geometry';
import type { OneDnnAddon } from '../native-addon';
import type { KernelArgs, NativePlan } from '../native-call';

/** dx of a convolution: oneDNN's backward-data primitive. */
export function conv2dBackpropInputPlan(addon: OneDnnAddon) {
  return (args: KernelArgs): NativePlan => {
    const { dy, filter } = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = (args.attrs ?? {}) as unknown as tf.Conv2DBackpropInputAttrs;
    const geometry = convGeometry(conv2dInfo([...attrs.inputShape], filter!.shape, attrs));
    if (typeof geometry === 'string') return geometry;
    return {
      outputShape: [...attrs.inputShape],
      run: (m, dx) => addon.conv2dBackpropInput(geometry, m.input(dy!), m.input(filter!), dx),
    };
  };
}

/** dW of a convolution: oneDNN's backward-weights primitive, written back as HWIO. */
export function conv2dBackpropFilterPlan(addon: OneDnnAddon) {
  return (args: KernelArgs): NativePlan => {
    const { x, dy } = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = (args.attrs ?? {}) as unknown as tf.Conv2DBackpropFilterAttrs;
    const info = conv2dInfo(x!.shape, [...attrs.filterShape], attrs);
    const geometry = convGeometry(info);
    if (typeof geometry === 'string') return geometry;
    // The addon subsamples x for strided 1x1 filters (oneDNN's own path there is broken), which
    // needs the windows to start at the first pixel.
    const { filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
    if (filterHeight === 1 && filterWidth === 1 && (strideHeight > 1 || strideWidth > 1) && (padInfo.top > 0 || padInfo.left > 0)) {
      return 'strided 1x1 with padding';
    }
    return {
      outputShape: [...attrs.filterShape],
      run: (m, dfilter) => addon.conv2dBackpropFilter(geometry, m.input(x!), m.input(dy!), dfilter),
    };
  };
}
