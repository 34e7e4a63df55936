import type * as tf from '@tensorflow/tfjs';
import { backendMemory, type BackendMemory } from './backend-memory';
import { countFallback, countNative } from './kernel-counts';

/**
 * What a native kernel needs to run: the output shape and the addon call, or a reason (said in a
 * few words, counted, shown by `infomax bench --profile`) to hand the call to the kernel it
 * replaced.
 */
export type NativePlan =
  | { outputShape: number[]; run(memory: BackendMemory, output: Float32Array): void }
  | string;

const FLOAT_ONLY = 'non-float32 input';

export type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap };

/**
 * Runs `plan`'s addon call into a freshly allocated output, or the fallback kernel. A oneDNN
 * error falls back too (counted with its message) rather than failing a training step: the
 * stock kernels are always correct, only slower.
 */
export function nativeOrFallback(
  kernelName: string,
  backendName: string,
  args: KernelArgs & { backend: unknown },
  fallback: tf.KernelFunc,
  plan: (args: KernelArgs) => NativePlan,
): tf.TensorInfo | tf.TensorInfo[] {
  const memory = backendMemory(backendName, args.backend);
  const inputs = Object.values(args.inputs).filter((t): t is tf.TensorInfo => t != null);
  const decided = memory === undefined ? `backend ${backendName}` : inputs.some((t) => t.dtype !== 'float32') ? FLOAT_ONLY : plan(args);
  if (typeof decided === 'string') {
    countFallback(kernelName, decided);
    return fallback(args as Parameters<tf.KernelFunc>[0]);
  }
  const out = memory!.output(decided.outputShape);
  try {
    decided.run(memory!, memory!.view(out));
  } catch (error) {
    (args.backend as { disposeData(dataId: object): void }).disposeData(out.dataId);
    countFallback(kernelName, `oneDNN error: ${error instanceof Error ? error.message : String(error)}`);
    return fallback(args as Parameters<tf.KernelFunc>[0]);
  }
  countNative(kernelName);
  return out;
}
