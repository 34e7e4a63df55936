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

/**
 * `fn()` evaluated off the gradient tape: its value, with no gradient to anything it read.
 * Unlike `stopGradient(fn())`, backprop never visits the ops inside `fn` (stopGradient sends
 * zeros back through them, so e.g. a detached max still costs Max's gradient kernels). The
 * result is the output of a recorded op with no tensor inputs, which no path from a variable
 * reaches.
 */
export function detached<T extends tf.Tensor>(fn: () => T): T {
  const f = tf.customGrad((() => ({
    value: tf.tidy(fn),
    gradFunc: () => [],
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (f as unknown as () => T)();
}
