import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
async function run(b: string) {
  await tf.setBackend(b); await tf.ready();
  const rng = (s: number[]) => tf.randomNormal(s, 0, 1, 'float32', 7);
  const x = rng([2, 9, 11, 3]); const f = rng([3, 3, 3, 4]);
  const out: Record<string, number[]> = {};
  out.dil2 = Array.from(tf.conv2d(x, f, 1, 'valid', 'NHWC', 2).dataSync().slice(0, 5));
  out.dil3x2 = Array.from(tf.conv2d(x, f, 1, [[0, 0], [1, 2], [0, 1], [0, 0]] as any, 'NHWC', [3, 2]).dataSync().slice(0, 5));
  out.dilshape = tf.conv2d(x, f, 1, [[0, 0], [1, 2], [0, 1], [0, 0]] as any, 'NHWC', [3, 2]).shape as number[];
  // kernel-level: stride 2 + dilation 2
  const r = tf.engine().runKernel('Conv2D', { x, filter: f }, { strides: [2, 2], pad: 'valid', dataFormat: 'NHWC', dilations: [2, 2] }) as tf.Tensor;
  out.s2d2 = Array.from(r.dataSync().slice(0, 5)); out.s2d2shape = r.shape as number[];
  console.log(b, JSON.stringify(out));
}
await run('cpu'); await run('wasm');
