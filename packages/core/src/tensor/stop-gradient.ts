import * as tf from '@tensorflow/tfjs';

/**
 * Identity in the forward pass, zero gradient in the backward pass (tfjs has no built-in).
 * Used for detached features (online probes, prior matching) and stabilising shifts.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const f = tf.customGrad(((input: tf.Tensor) => ({
    value: tf.clone(input),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x) as T;
}
