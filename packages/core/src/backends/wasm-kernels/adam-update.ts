import * as tf from '@tensorflow/tfjs';
import { simdKernelsFor } from '../wasm-simd/simd-kernels';

/** A fused Adam update on wasm: inputs w, m, v, g; outputs w', m', v' (see `writeAdam`). */
export const ADAM_UPDATE_KERNEL = 'InfomaxAdamUpdate';

/** The scalars of one update, as `Adam.applyGradients` computes them on the host. */
export interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  /** 1 - beta1^t and 1 - beta2^t. */
  correction1: number;
  correction2: number;
  epsilon: number;
  learningRate: number;
  /** Classic L2: added to the gradient as l2 * w (0: none). */
  l2: number;
  /** Decoupled weight decay: w' -= decay * w after the update (0: none). */
  decay: number;
}

export function adamUpdateWasm({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { w, m, v, g } = inputs as { w: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo; g: tf.TensorInfo };
  const a = attrs as unknown as AdamUpdateAttrs;
  const kernels = simdKernelsFor(backend);
  if (!kernels) throw new Error(`${ADAM_UPDATE_KERNEL}: infomax's wasm SIMD kernels are not loaded; use the composed update`);
  const wasm = backend as unknown as {
    makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
    dataIdMap: { get(id: object): { memoryOffset: number } };
  };
  const offset = (t: tf.TensorInfo) => wasm.dataIdMap.get(t.dataId).memoryOffset;
  const outs = [w, m, v].map((t) => wasm.makeOutput(t.shape, 'float32'));
  const [outW, outM, outV] = outs as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
  kernels.adam(
    offset(w), offset(m), offset(v), offset(g), offset(outW), offset(outM), offset(outV), tf.util.sizeFromShape(w.shape),
    a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.correction1, a.correction2, a.epsilon, a.learningRate, a.l2, a.decay,
  );
  return outs;
}

/**
 * [w', m', v'] in one kernel where the active backend is wasm with infomax's SIMD kernels
 * loaded, else null (the caller composes the update from tfjs ops, with the same result).
 */
export function fusedAdamUpdate(
  w: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  g: tf.Tensor,
  attrs: AdamUpdateAttrs,
): [tf.Tensor, tf.Tensor, tf.Tensor] | null {
  if (tf.getBackend() !== 'wasm' || g.dtype !== 'float32' || simdKernelsFor(tf.backend()) === null) return null;
  if (tf.getKernel(ADAM_UPDATE_KERNEL, 'wasm') === undefined) return null;
  return tf.engine().runKernel(ADAM_UPDATE_KERNEL, { w, m, v, g }, attrs as unknown as tf.NamedAttrMap) as unknown as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
  ];
}
