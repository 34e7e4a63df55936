import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Identity (tf.clone) and same-dtype Cast on wasm as a new reference to the same data, as the
 * cpu backend and wasm's own Reshape do, instead of a copy. tfjs clones every tensor it saves
 * for backprop, and its gradients cast operands to float32 they already are (Multiply's
 * gradient, for one), so the copies add up: ~900 per AMDIM training step, every activation
 * and weight it saves. tfjs tensors are immutable (Variable.assign rebinds to new data), so
 * sharing is safe; the data is freed with its last reference.
 */
function share(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

export function identityWasm(args: Parameters<tf.KernelFunc>[0], stock: tf.KernelFunc): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') return stock(args) as tf.TensorInfo;
  return share(args.backend as BackendWasm, x);
}

export function castWasm(args: Parameters<tf.KernelFunc>[0], stock: tf.KernelFunc): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { dtype } = args.attrs as unknown as tf.CastAttrs;
  if (x.dtype !== dtype || dtype === 'string') return stock(args) as tf.TensorInfo;
  return share(args.backend as BackendWasm, x);
}
