import type * as tf from '@tensorflow/tfjs';
import { activationCode } from '../activation-code';
import { conv2dInfo, convGeometry } from '../conv-geometry';
import type { OneDnnAddon } from '../native-addon';
import type { KernelArgs, NativePlan } from '../native-call';

/** Conv2D and FusedConv2D (bias + activation fused as oneDNN post-ops). */
export function conv2dPlan(addon: OneDnnAddon, fused: boolean) {
  return (args: KernelArgs): NativePlan => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = (args.attrs ?? {}) as unknown as tf.FusedConv2DAttrs;
    if (preluActivationWeights) return 'prelu activation';
    const code = fused ? activationCode(attrs.activation) : 0;
    if (code === undefined) return `activation ${attrs.activation}`;
    const info = conv2dInfo(x!.shape, filter!.shape, attrs);
    const geometry = convGeometry(info);
    if (typeof geometry === 'string') return geometry;
    if (bias && (bias.shape.reduce((a, b) => a * b, 1) !== info.outChannels || bias.shape.at(-1) !== info.outChannels)) {
      return 'bias not per output channel';
    }
    const alpha = attrs.leakyreluAlpha ?? 0.2;
    return {
      outputShape: [info.batchSize, info.outHeight, info.outWidth, info.outChannels],
      run: (m, y) =>
        addon.conv2d(geometry, code, alpha, m.input(x!), m.input(filter!), bias ? m.input(bias) : null, y),
    };
  };
}
