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
    const geometry = convGeometry(conv2dInfo(x!.shape, [...attrs.filterShape], attrs));
    if (typeof geometry === 'string') return geometry;
    return {
      outputShape: [...attrs.filterShape],
      run: (m, dfilter) => addon.conv2dBackpropFilter(geometry, m.input(x!), m.input(dy!), dfilter),
    };
  };
}
