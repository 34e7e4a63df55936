import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
for (const b of ['cpu', 'wasm']) {
  await tf.setBackend(b); await tf.ready();
  const x = tf.tensor1d([-1e4, -50, -20, -1, 0, 1, 20, 50, 1e4]);
  console.log(b, 'softplus', Array.from(tf.softplus(x).dataSync()));
  console.log(b, 'dsoftplus', Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.softplus(t)))(x).dataSync()));
  console.log(b, 'tanh', Array.from(tf.tanh(tf.div(x, 20)).dataSync()));
  console.log(b, 'dtanh', Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(20, tf.tanh(tf.div(t, 20)))))(x).dataSync()));
  console.log(b, 'isfinite', Array.from(tf.isFinite(tf.tensor1d([1, Infinity, -Infinity, NaN])).dataSync()));
  console.log(b, 'log1p', Array.from(tf.log1p(tf.tensor1d([1e-8, 1])).dataSync()));
}
