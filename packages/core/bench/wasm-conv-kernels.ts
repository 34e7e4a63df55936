/**
 * Micro-benchmark of the wasm convolution kernels on the AMDIM (ndf 32, 32x32, batch 64) conv
 * shapes: forward, filter gradient and input gradient, each as CPU ms per call (and wall ms) and
 * GFLOP/s, one JSON line per (shape, kernel, implementation), then the totals. Baselines: the
 * stock wasm Conv2DBackpropInput (a scalar loop) and a naive composed filter gradient (strided
 * slices -> im2col -> matMul); the alternative form each kernel did not choose is timed too.
 *
 *   pnpm exec tsx packages/core/bench/wasm-conv-kernels.ts [--quick] [--no-naive] [--batch 64]
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../src/backends/wasm-kernels/register-wasm-training-kernels';
import { transposedFilterGrad } from '../src/backends/wasm-kernels/conv2d-backprop-filter';
import { isPointwise } from '../src/backends/wasm-kernels/conv-geometry';
import { inputGradForm, subPixelInputGrad } from '../src/backends/wasm-kernels/conv2d-backprop-input';
import { col2imInputGrad } from '../src/backends/wasm-kernels/col2im-input-grad';
import { composeWasmKernel } from '../src/backends/wasm-kernels/wasm-kernel-scope';

interface ConvShape {
  name: string;
  size: number;
  k: number;
  stride: number;
  cin: number;
  cout: number;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const batchArg = args.indexOf('--batch');
const batch = batchArg >= 0 ? Number(args[batchArg + 1]) : 64;
const skipNaive = args.includes('--no-naive');

const SHAPES: ConvShape[] = [
  { name: 'stem 3x3 s1 3->32 @32', size: 32, k: 3, stride: 1, cin: 3, cout: 32 },
  { name: '1x1 s1 32->32 @30', size: 30, k: 1, stride: 1, cin: 32, cout: 32 },
  { name: '4x4 s2 32->64 @30', size: 30, k: 4, stride: 2, cin: 32, cout: 64 },
  { name: '2x2 s2 64->128 @14', size: 14, k: 2, stride: 2, cin: 64, cout: 128 },
  { name: '3x3 s1 128->128 @7', size: 7, k: 3, stride: 1, cin: 128, cout: 128 },
  { name: '3x3 s1 128->128 @5', size: 5, k: 3, stride: 1, cin: 128, cout: 128 },
  { name: '3x3 s1 128->256 @3', size: 3, k: 3, stride: 1, cin: 128, cout: 256 },
  { name: '1x1 s1 64->64 @14 (res)', size: 14, k: 1, stride: 1, cin: 64, cout: 64 },
  { name: '1x1 s1 128->128 @7 (res)', size: 7, k: 1, stride: 1, cin: 128, cout: 128 },
  { name: '1x1 s1 128->128 @5 (res)', size: 5, k: 1, stride: 1, cin: 128, cout: 128 },
  { name: '1x1 s1 128->128 @3 (res)', size: 3, k: 1, stride: 1, cin: 128, cout: 128 },
  { name: '1x1 s1 256->256 @1 (res)', size: 1, k: 1, stride: 1, cin: 256, cout: 256 },
];

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Median process CPU ms of `fn` (which returns a tensor to dispose), and its median wall ms. wasm
 * runs single-threaded and synchronously in Node, so CPU time is the kernel's cost even on a
 * machine shared with other jobs, where wall time mostly measures the queue.
 */
function time(fn: () => tf.TensorInfo | tf.Tensor, dispose: (t: tf.TensorInfo | tf.Tensor) => void): Timing {
  dispose(fn());
  const cpu: number[] = [];
  const wall: number[] = [];
  const budget = quick ? 100 : 400;
  let spent = 0;
  while (cpu.length < 3 || (spent < budget && cpu.length < 40)) {
    const c0 = cpuMs();
    const t0 = performance.now();
    const out = fn();
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
    spent += cpu[cpu.length - 1] ?? 0;
    dispose(out);
  }
  return { cpu: median(cpu), wall: median(wall) };
}

interface Timing {
  cpu: number;
  wall: number;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The naive composition a first port would write: one strided slice per tap, im2col, matMul. */
function naiveFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, stride: number): tf.Tensor {
  return tf.tidy(() => {
    const [n, , , cin] = x.shape;
    const [, oh, ow, cout] = dy.shape;
    const cols: tf.Tensor[] = [];
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        const end = [n, a + (oh - 1) * stride + 1, b + (ow - 1) * stride + 1, cin];
        cols.push(tf.stridedSlice(x, [0, a, b, 0], end, [1, stride, stride, 1]));
      }
    }
    const patches = tf.concat(cols, 3).reshape([n * oh * ow, k * k * cin]);
    return tf.matMul(patches, dy.reshape([n * oh * ow, cout]), true, false).reshape([k, k, cin, cout]);
  });
}

function emit(shape: ConvShape, kernel: string, impl: string, t: Timing, flops: number): void {
  const gflops = flops / (t.cpu * 1e6);
  const row = { shape: shape.name, batch, kernel, impl, ms: +t.cpu.toFixed(2), gflops: +gflops.toFixed(2) };
  console.log(JSON.stringify({ ...row, wallMs: +t.wall.toFixed(2) }));
}

await tf.setBackend('wasm');
await tf.ready();
const stockInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
if (stockInput === undefined) throw new Error('wasm Conv2DBackpropInput is not registered');
registerWasmTrainingKernels();
const backend = tf.backend() as BackendWasm;
const disposeInfo = (t: tf.TensorInfo | tf.Tensor) => {
  if (t instanceof tf.Tensor) t.dispose();
  else backend.disposeData(t.dataId);
};
const totals: Record<string, number> = {};
const add = (key: string, t: Timing) => (totals[key] = (totals[key] ?? 0) + t.cpu);

for (const shape of SHAPES) {
  const x = tf.randomNormal([batch, shape.size, shape.size, shape.cin], 0, 1, 'float32', 1) as tf.Tensor4D;
  const f = tf.randomNormal([shape.k, shape.k, shape.cin, shape.cout], 0, 0.1, 'float32', 2) as tf.Tensor4D;
  const y = tf.conv2d(x, f, shape.stride, 'valid');
  const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3) as tf.Tensor4D;
  const [, oh, ow] = y.shape;
  const flops = 2 * batch * oh * ow * shape.k * shape.k * shape.cin * shape.cout;
  const attrs = { strides: shape.stride, pad: 'valid', dataFormat: 'NHWC', dimRoundingMode: undefined };
  const info = tf.backend_util.computeConv2DInfo(x.shape, f.shape, shape.stride, 1, 'valid');

  const fwd = time(() => tf.conv2d(x, f, shape.stride, 'valid'), disposeInfo);
  emit(shape, 'Conv2D', 'xnnpack', fwd, flops);
  add('forward', fwd);

  const filterAttrs = { ...attrs, filterShape: f.shape } as unknown as tf.NamedAttrMap;
  const runFilter = () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, filterAttrs) as tf.Tensor;
  const ours = time(runFilter, disposeInfo);
  emit(shape, 'Conv2DBackpropFilter', 'infomax', ours, flops);
  add('filter infomax', ours);
  if (isPointwise(info)) {
    // The alternative the kernel does not choose for 1x1 convs, for the record.
    const viaConv = time(() => composeWasmKernel(backend, (s) => transposedFilterGrad(s, x, dy, info)), disposeInfo);
    emit(shape, 'Conv2DBackpropFilter', 'transposed-conv (not chosen for 1x1)', viaConv, flops);
  }
  if (!skipNaive) {
    const naive = time(() => naiveFilterGrad(x, dy, shape.k, shape.stride), disposeInfo);
    emit(shape, 'Conv2DBackpropFilter', 'naive im2col+matMul (before)', naive, flops);
    add('filter naive', naive);
  }

  const inputAttrs = { ...attrs, inputShape: x.shape } as unknown as tf.NamedAttrMap;
  const runInput = () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, inputAttrs) as tf.Tensor;
  const oursInput = time(runInput, disposeInfo);
  emit(shape, 'Conv2DBackpropInput', `infomax (${inputGradForm(info)})`, oursInput, flops);
  add('input infomax', oursInput);
  const other = inputGradForm(info) === 'col2im' ? 'sub-pixel' : 'col2im';
  const otherForm = other === 'col2im' ? col2imInputGrad : subPixelInputGrad;
  const alt = time(() => composeWasmKernel(backend, (s) => otherForm(s, dy, f, info)), disposeInfo);
  emit(shape, 'Conv2DBackpropInput', `${other} (not chosen)`, alt, flops);
  const stock = time(
    () => stockInput.kernelFunc({ inputs: { dy, filter: f }, attrs: inputAttrs, backend }) as tf.TensorInfo,
    disposeInfo,
  );
  emit(shape, 'Conv2DBackpropInput', 'stock wasm (before)', stock, flops);
  add('input stock', stock);
  tf.dispose([x, f, y, dy]);
}
const rounded = Object.entries(totals).map(([k, v]) => [k, +v.toFixed(1)]);
console.log(JSON.stringify({ totalCpuMs: Object.fromEntries(rounded) }));
