import * as tf from '@tensorflow/tfjs';
import { simdKernelsFor } from '../wasm-simd/simd-kernels';
import { RELU_GRAD_KERNEL, reluGradCpu } from './relu-grad';

// Process-wide marker, like the wasm training kernels': `@infomax/core` and `@infomax/core/node`
// each bundle a copy of this module, and the second copy must not wrap the first one's wrapper.
const OURS = Symbol.for('@infomax/core/relu-gradient');

/** infomax's Relu gradient config carries tfjs' original, its fallback, under OURS. */
type ReluGradConfig = tf.GradConfig & { [OURS]?: tf.GradConfig };

function fusedKernelApplies(dy: tf.Tensor, x: tf.Tensor): boolean {
  if (dy.dtype !== 'float32' || x.dtype !== 'float32') return false;
  const backendName = tf.getBackend();
  if (tf.getKernel(RELU_GRAD_KERNEL, backendName) === undefined) return false;
  return backendName !== 'wasm' || simdKernelsFor(tf.backend()) !== null;
}

function fusedReluGrad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, x } as unknown as tf.NamedTensorMap);
}

/**
 * Replaces tfjs' Relu gradient, mul(dy, step(x)) (Step, Cast and Multiply kernels over the
 * whole tensor), with one `InfomaxReluGrad` kernel giving the same bits, where the active
 * backend has it: wasm with infomax's SIMD kernels, and cpu (registered here, as the reference).
 * Elsewhere (webgl, tfjs-node, wasm with the SIMD kernels off, non-float32 tensors) tfjs' own
 * gradient runs unchanged. Idempotent, also across the bundles' copies of this module; called
 * when the wasm backend is activated.
 */
export function registerReluGradient(): void {
  if (tf.getKernel(RELU_GRAD_KERNEL, 'cpu') === undefined) {
    tf.registerKernel({ kernelName: RELU_GRAD_KERNEL, backendName: 'cpu', kernelFunc: reluGradCpu });
  }
  if (tf.getGradient(RELU_GRAD_KERNEL) === undefined) tf.registerGradient(reluGradGradient);
  const current = tf.getGradient('Relu') as ReluGradConfig | undefined;
  if (current === undefined || current[OURS] !== undefined) return;
  const original = current;
  const config: ReluGradConfig = {
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      if (!fusedKernelApplies(dy as tf.Tensor, x)) return original.gradFunc(dy, saved, attrs);
      return { x: () => fusedReluGrad(dy as tf.Tensor, x) };
    },
    [OURS]: original,
  };
  tf.registerGradient(config);
}

/** The gradient config tfjs itself registered for Relu, whether or not infomax's replaced it. */
export function stockReluGradient(): tf.GradConfig | undefined {
  const current = tf.getGradient('Relu') as ReluGradConfig | undefined;
  return current?.[OURS] ?? current;
}

/**
 * For gradients of gradients, as tfjs' Multiply and Step gradients would give for
 * mul(dy, step(x)): the same mask applied to the incoming gradient for dy, zero for x.
 */
const reluGradGradient: tf.GradConfig = {
  kernelName: RELU_GRAD_KERNEL,
  inputsToSave: ['x'],
  gradFunc: (ddx, saved) => {
    const [x] = saved as [tf.Tensor];
    const d = ddx as tf.Tensor;
    return {
      dy: () => (fusedKernelApplies(d, x) ? fusedReluGrad(d, x) : tf.mul(d, tf.cast(tf.step(x), 'float32'))),
      x: () => tf.zerosLike(x),
    };
  },
};
