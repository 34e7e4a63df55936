import * as tf from '@tensorflow/tfjs';
import { simdKernelsFor } from '../wasm-simd/simd-kernels';
import { threadedMapFor } from '../wasm-threads/wasm-gemm-threads';

/**
 * Not a tfjs kernel: the input gradient of Relu in one pass, inputs {dy, x} (float32, same
 * shape), one float32 output equal bit for bit to tfjs' mul(dy, step(x)) (see `writeReluGrad`).
 */
export const RELU_GRAD_KERNEL = 'InfomaxReluGrad';

interface ReluGradInputs {
  dy: tf.TensorInfo;
  x: tf.TensorInfo;
}

export function reluGradWasm({ inputs, backend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { dy, x } = inputs as unknown as ReluGradInputs;
  const kernels = simdKernelsFor(backend);
  if (!kernels) {
    throw new Error(
      `${RELU_GRAD_KERNEL}: infomax's wasm SIMD kernels are not loaded for this backend; ` +
        `initialise wasm with initBackend({ backend: 'wasm' }) or let the Relu gradient use tfjs' own ops`,
    );
  }
  const wasm = backend as unknown as {
    makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
    dataIdMap: { get(id: object): { memoryOffset: number } };
  };
  const out = wasm.makeOutput(x.shape, 'float32');
  const n = tf.util.sizeFromShape(x.shape);
  if (n > 0) {
    const offset = (t: tf.TensorInfo) => wasm.dataIdMap.get(t.dataId).memoryOffset;
    // Large ones are split over the helper threads when they are on.
    const pool = threadedMapFor(backend, 3 * 4 * n);
    if (pool) pool.map('reluGrad', n, [offset(dy), offset(x), offset(out)], [4, 4, 4], [], 4);
    else kernels.reluGrad(offset(dy), offset(x), offset(out), n);
  }
  return out;
}

/** The same gradient on the cpu backend, a plain loop: the numerical reference for wasm. */
export function reluGradCpu({ inputs, backend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { dy, x } = inputs as unknown as ReluGradInputs;
  const cpu = backend as unknown as {
    readSync(dataId: object): unknown;
    makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
  };
  const dyValues = cpu.readSync(dy.dataId) as Float32Array;
  const xValues = cpu.readSync(x.dataId) as Float32Array;
  const out = new Float32Array(xValues.length);
  for (let i = 0; i < out.length; i++) {
    const xi = xValues[i]!;
    // Float32Array stores the float32 product of two float32 values exactly as wasm's f32.mul.
    out[i] = dyValues[i]! * (Number.isNaN(xi) ? xi : xi > 0 ? 1 : 0);
  }
  return cpu.makeTensorInfo(x.shape, 'float32', out);
}
